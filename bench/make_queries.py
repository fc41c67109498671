"""Build the evaluation query sets from the corpus, repeatably (fixed seed).

    .venv/bin/python bench/make_queries.py --corpus /work/shared/corpus/lctt

Writes ``bench/data/eval_dev.tsv`` and ``bench/data/eval_heldout.tsv``
(``kind<TAB>query<TAB>target``).  The method is in bench/README.md
("The evaluation sets"); in short, for a sample of articles drawn with a
fixed seed, a query is made of a few distinctive words of the article's
*body* that its title does not contain:

- ``content``: three content words (jieba words of 2+ CJK characters, in
  2..5% of the documents or rarer but in at least 3, at least twice in the
  article, none inside the title), picked at random among the article's 8
  best by tf-idf;
- ``traditional`` / ``taiwan``: the ``content`` queries converted with
  OpenCC ``s2t`` / ``s2twp`` (same targets);
- ``question``: two such words inside a question template (怎么, 如何,
  什么, 为什么, 吗, 的, 里 ...);
- ``synonym``: articles whose text names a brand in one script only
  (谷歌 but never Google), queried with the other script plus two content
  words;
- ``onelang``: fixed queries about the C and R languages, judged by rule
  (target ``judge:C``): see :func:`relevance.judged_relevant`.

Each article goes to the dev or the held-out part by the SHA-1 of its
relative path (first hex digit 0-7: dev), so a query's part never depends
on the sample.  The held-out part is measured once, at the end of tuning.
Queries are a few words; no article sentence is copied.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import math
import random
import re
import sys
from collections import Counter
from pathlib import Path

import frontmatter
import jieba
import opencc

sys.path.insert(0, str(Path(__file__).resolve().parent))

import plain_whoosh  # noqa: E402

jieba.setLogLevel(logging.WARNING)

DATA = Path(__file__).resolve().parent / "data"
SEED = 20261201
HEADER = "kind\tquery\ttarget\n"

_FENCED = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1[^\n]*$", re.M | re.S)
_URL = re.compile(r"\S*://\S*|^\s*\[[^\]\n]+\]:.*$", re.M)
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")

#: Words that say nothing about an article (jieba often keeps them whole).
STOP = set(
    "我们 你们 他们 它们 这个 那个 这些 那些 一个 一些 什么 怎么 如何 为什么 可以 需要 使用 进行 "
    "因为 所以 但是 如果 然后 或者 以及 以上 以下 其中 其他 已经 没有 非常 就是 这样 那样 通过 "
    "可能 这里 那里 时候 现在 所有 任何 每个 自己 之后 之前 也是 还是 不是 只是 而是 对于 关于 "
    "知道 看到 一下 一样 一种 很多 更多 最后 首先 其次 另外 此外 例如 比如 注意 当然 甚至 不过".split()
)

#: (one script, the other script): each side's forms, first form is the query form.
BRANDS = [
    (["谷歌"], ["Google"]),
    (["微软"], ["Microsoft"]),
    (["红帽"], ["Red Hat", "RedHat"]),
    (["火狐"], ["Firefox"]),
    (["甲骨文"], ["Oracle"]),
    (["树莓派"], ["Raspberry Pi"]),
    (["安卓"], ["Android"]),
    (["脸书"], ["Facebook"]),
    (["林纳斯", "林纳斯·托瓦兹"], ["Linus"]),
    (["苹果"], ["Apple"]),
    (["亚马逊"], ["Amazon"]),
    (["推特"], ["Twitter"]),
    (["英特尔"], ["Intel"]),
    (["乌班图"], ["Ubuntu"]),
]

QUESTION_TEMPLATES = [
    "怎么 {a} {b}", "如何 {a} {b}", "{a} {b} 是什么", "为什么 {a} 的 {b}", "{a} 里 怎么 {b}",
    "怎么用{a}{b}", "如何在{a}里{b}", "什么是{a}的{b}", "{a}{b}怎么办", "{a} {b} 吗",
]

ONELANG = [
    ("C 语言", "C"), ("C语言", "C"), ("C 语言 指针", "C"), ("C 语言 编译器", "C"), ("学习 C 语言", "C"),
    ("C 语言 内存", "C"), ("C 语言 程序", "C"), ("用 C 语言 编写", "C"),
    ("R 语言", "R"), ("R语言", "R"), ("R 语言 统计", "R"), ("R 语言 数据分析", "R"), ("学习 R 语言", "R"),
    ("R 语言 绘图", "R"), ("R 语言 包", "R"), ("用 R 语言 编程", "R"),
]
#: The third held-out part (eval_heldout3.tsv): more one-letter language
#: queries, written on 2026-12-02 before the one-letter ranking was looked at
#: again, in the same style (the letter, 语言, a topic word), with lower-case
#: letters as readers also type them.  Measured once, at the end.
ONELANG_THIRD = [
    ("C 语言 函数", "C"), ("C 语言 数组", "C"), ("c语言 教程", "C"), ("C 语言 标准库", "C"),
    ("C 语言 结构体", "C"), ("c 语言 调试", "C"), ("C 语言 字符串", "C"), ("C 语言 项目", "C"),
    ("R 语言 可视化", "R"), ("r语言 入门", "R"), ("R 语言 数据科学", "R"), ("R 语言 机器学习", "R"),
    ("R 语言 教程", "R"), ("r 语言 统计分析", "R"), ("R 语言 社区", "R"), ("R 语言 函数", "R"),
]


def is_dev(key: str) -> bool:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[0] in "01234567"


def body_text(markdown: str) -> str:
    """The body without code blocks and URLs (independent of the library)."""
    return _URL.sub(" ", _FENCED.sub(" ", markdown))


def words_of(text: str) -> Counter:
    counts: Counter = Counter()
    for run in _CJK_RUN.findall(text):
        counts.update(w for w in jieba.cut(run, HMM=False) if _CJK_WORD.fullmatch(w) and w not in STOP)
    return counts


def load(corpus: Path):
    """[(relpath, title, body, word counts)] and the document frequencies."""
    docs, df = [], Counter()
    for relpath in plain_whoosh.list_corpus(corpus):
        post = frontmatter.load(corpus / relpath)
        title = str(post.metadata.get("title") or "")
        body = body_text(post.content or "")
        counts = words_of(body)
        df.update(counts.keys())
        docs.append((relpath, title, body, counts))
    return docs, df


def content_words(title: str, counts: Counter, df: Counter, n_docs: int) -> list[str]:
    """The article's 8 best words by tf-idf: in the body twice or more, not in
    the title, in at least 3 documents and at most 5% of them."""
    scored = [
        (tf * math.log(n_docs / df[w]), w)
        for w, tf in counts.items()
        if tf >= 2 and 3 <= df[w] <= 0.05 * n_docs and w not in title
    ]
    return [w for _, w in sorted(scored, reverse=True)[:8]]


def mentions(body: str, forms: list[str]) -> int:
    total = 0
    for form in forms:
        if form.isascii():
            total += len(re.findall(rf"(?<![A-Za-z]){re.escape(form)}(?![A-Za-z])", body, re.I))
        else:
            total += body.count(form)
    return total


#: The later held-out parts made from the corpus, in order (see build).
LATER_PARTS = ("heldout2", "heldout4")


def build(corpus: Path, sample: int, per_brand: int, later: int = 0) -> list[tuple[str, str, str, str]]:
    """(part, kind, query, target) of every query.  ``later``: also the first
    ``later`` parts of LATER_PARTS.  The k-th of them (k = 1, 2) is made from
    the held-out articles that come after those of the parts before it in
    the same shuffled order (the next ``sample`` articles, the next
    ``per_brand`` per brand and direction), its words drawn from a generator
    of its own (seed SEED + k), so that the parts before it stay as they
    were; an article any query of an earlier part targets is left out of it."""
    docs, df = load(corpus)
    n_docs = len(docs)
    rng = random.Random(SEED)
    fresh = [random.Random(SEED + k) for k in range(1, later + 1)]
    rows = []
    s2t, s2twp = opencc.OpenCC("s2t"), opencc.OpenCC("s2twp")
    order = list(range(n_docs))
    rng.shuffle(order)
    made = 0
    for i in order:
        if made >= (later + 1) * sample:
            break
        relpath, title, body, counts = docs[i]
        best = content_words(title, counts, df, n_docs)
        if len(best) < 5:
            continue
        made += 1
        if made > sample:  # a later held-out part
            if is_dev(relpath):
                continue
            k = (made - 1) // sample
            part, draw = LATER_PARTS[k - 1], fresh[k - 1]
        else:
            part, draw = ("dev" if is_dev(relpath) else "heldout"), rng
        query = " ".join(draw.sample(best, 3))
        rows.append((part, "content", query, relpath))
        rows.append((part, "traditional", s2t.convert(query), relpath))
        rows.append((part, "taiwan", s2twp.convert(query), relpath))
        a, b = draw.sample(best, 2)
        rows.append((part, "question", draw.choice(QUESTION_TEMPLATES).format(a=a, b=b), relpath))
    for one, other in BRANDS:
        for have, ask in ((one, other), (other, one)):
            found = []
            for i in order:
                relpath, title, body, counts = docs[i]
                if mentions(body, have) >= 2 and not mentions(body, ask) and not mentions(title, have + ask):
                    best = content_words(title, counts, df, n_docs)
                    if len(best) >= 4:
                        found.append((relpath, best))
                if len(found) >= (later + 1) * per_brand:
                    break
            for n, (relpath, best) in enumerate(found):
                if n < per_brand:
                    query = " ".join([ask[0], *rng.sample(best, 2)])
                    rows.append(("dev" if is_dev(relpath) else "heldout", "synonym", query, relpath))
                elif not is_dev(relpath):
                    k = n // per_brand
                    rows.append((LATER_PARTS[k - 1], "synonym", " ".join([ask[0], *fresh[k - 1].sample(best, 2)]),
                                 relpath))
    for query, language in ONELANG:
        rows.append(("dev" if is_dev(query) else "heldout", "onelang", query, f"judge:{language}"))
    kept, used = [], set()
    for part in ("dev", "heldout", *LATER_PARTS):  # no article twice: an earlier part keeps it
        part_rows = [row for row in rows if row[0] == part]
        kept += [row for row in part_rows if part in ("dev", "heldout") or row[3] not in used]
        used |= {row[3] for row in part_rows}
    return kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="the corpus (not needed for --third-heldout)")
    parser.add_argument("--sample", type=int, default=240, help="articles for the content-based kinds")
    parser.add_argument("--per-brand", type=int, default=4, help="articles per brand and direction")
    parser.add_argument("--out", type=Path, default=DATA)
    parser.add_argument("--second-heldout", action="store_true",
                        help="write only eval_heldout2.tsv, the second held-out part (see build)")
    parser.add_argument("--fourth-heldout", action="store_true",
                        help="write only eval_heldout4.tsv, the fourth held-out part (see build)")
    parser.add_argument("--third-heldout", action="store_true",
                        help="write only eval_heldout3.tsv, the third held-out part (ONELANG_THIRD)")
    args = parser.parse_args(argv)
    if args.third_heldout:
        rows = [("heldout3", "onelang", query, f"judge:{language}") for query, language in ONELANG_THIRD]
    elif args.corpus is None:
        parser.error("--corpus is required")
    else:
        rows = build(args.corpus, args.sample, args.per_brand, later=2 if args.fourth_heldout else int(args.second_heldout))
    if args.third_heldout or args.second_heldout or args.fourth_heldout:
        parts = ["heldout3"] if args.third_heldout else ["heldout2"] if args.second_heldout else ["heldout4"]
    else:
        parts = ["dev", "heldout"]
    for part in parts:
        path = args.out / f"eval_{part}.tsv"
        lines = [f"{kind}\t{query}\t{target}\n" for p, kind, query, target in rows if p == part]
        path.write_text(HEADER + "".join(lines), encoding="utf-8")
        print(f"{path}: {len(lines)} queries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
