"""Articles written for the web tests (API, HTML pages, browser), and the
fixtures' helper that builds their index.

Twelve short notes share the word 容器 so that a search for it has two pages.
Tests derive the counts they expect from :data:`ARTICLES`.
"""

from __future__ import annotations

from helpers import article, write_index

from search.document import Article

HOSTILE_TITLE = '<script>alert("标题")</script>安全测试 <img src=x onerror=alert(1)>'
HOSTILE_BODY = (
    "这是一篇安全测试文章，正文里有危险的标记。\n\n"
    "<script>alert('正文脚本')</script>\n\n"
    '<img src="x" onerror="alert(\'图片\')">\n\n'
    "[点我](javascript:alert('链接'))\n\n"
    "行内代码 `<script>alert(1)</script>` 和文字 onerror=alert(2) 都只是文本。\n"
)


def web_articles():
    articles = [
        article(
            "101", "容器编排入门：Kubernetes 基础", "本文介绍容器编排的基本概念，以及 Kubernetes 如何调度容器。",
            category="技术", tags=["容器", "Kubernetes"], date="2019-03-01", views=500,
            author="小王", translator="小李", summary="容器编排的入门介绍。",
            markdown="## 什么是容器编排\n\n本文介绍**容器编排**的基本概念，以及 Kubernetes 如何调度容器。\n\n"
            "| 组件 | 作用 |\n|---|---|\n| kubelet | 运行容器 |\n\n```bash\nkubectl get pods\n```\n\n"
            "![示意图](/data/attachment/k8s.png)\n",
        ),
        article(
            "102", "用 Docker 打包 Python 应用", "一步步把 Python 应用打包成容器镜像，并发布到镜像仓库。",
            category="技术", tags=["容器", "Docker", "Python"], date="2020-05-10", views=1200,
        ),
        article(
            "103", "开源社区的十年", "回顾开源社区十年来的变化，以及志愿者的贡献。",
            category="观点", tags=["开源", "社区"], date="2018-07-20", views=300,
        ),
        article(
            "104", "Linux 内核调度器解析", "内核调度器决定了哪个进程先运行，本文解析它的实现。",
            category="技术", tags=["内核", "Linux"], date="2021-01-15", views=800,
        ),
        article(
            "105", "命令行小技巧：grep 与 sed", "在命令行里用 grep 查找文本，用 sed 替换文本。",
            category="技巧", tags=["命令行", "Linux"], date="2020-11-02", views=950,
        ),
        article(
            "106", HOSTILE_TITLE, "这是一篇安全测试文章，正文里有危险的标记。", markdown=HOSTILE_BODY,
            category="安全", tags=["安全", "<b>粗体</b>"], date="2022-02-02", views=10,
        ),
    ]
    for n in range(1, 13):
        articles.append(
            article(
                str(200 + n), f"容器笔记第{n}篇", f"第{n}篇笔记记录了使用容器时遇到的问题和解决办法。",
                category="笔记", tags=["容器", "笔记"], date=f"2017-{n:02d}-05", views=n * 10,
            )
        )
    return articles


ARTICLES = web_articles()


def having(word: str) -> list[Article]:
    """The articles with ``word`` in their title or text: what a search for it finds."""
    return [item for item in ARTICLES if word in item.title or word in item.text]


def build_web_index(path):
    """Write :data:`ARTICLES` into a new index at ``path``; returns ``path``."""
    return write_index(path, ARTICLES)


def make_app(index_dir, **config):
    from web import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir), **config})
