"""Reading article files: front-matter variants, encodings, and files to skip."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import pytest

from indexer import front_matter_values as values
from indexer.articles import MAX_FILE_BYTES, parse_article, read_article
from indexer.errors import ArticleError
from indexer.frontmatter_yaml import MAX_CHARS

ARTICLES = Path(__file__).parent / "data" / "articles"


def read(relpath: str):
    article, warnings = read_article(ARTICLES / relpath, relpath)
    return article


def parse(text: str | bytes, name: str = "a.md"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_article(data, name)


def test_archive_format_fields():
    article = read("kernel-release.md")
    assert (article.id, article.title, article.category) == ("9001", "Linux 5.6 内核发布", "技术")
    assert article.tags == ["内核", "Linux"]
    assert article.date == datetime(2020, 2, 28, 21, 30)
    assert article.updated == datetime(2020, 2, 29, 8, 0)
    assert article.summary == "新版内核改进了文件系统的性能，并修复了多个驱动问题。"
    assert (article.views, article.comments, article.likes, article.favtimes) == (1520, 1, 3, 2)
    assert article.editorchoice and not article.islctt
    assert article.url == "/article-9001-1.html"
    assert article.author == "小明" and article.translator is None and article.fromurl is None
    assert article.path == "kernel-release.md" and article.key == ""


def test_markdown_body_kept_and_reduced_to_text():
    article = read("kernel-release.md")
    assert article.markdown.startswith("本周发布的 **Linux 5.6** 内核")
    assert "WireGuard 支持" in article.text
    assert "wireguard.com" not in article.text and "kernel.png" not in article.text
    assert "uname -r" in article.text and "**" not in article.text


def test_categories_first_is_category_others_become_tags():
    article = read("运维/firewall.md")
    assert article.category == "运维"
    assert article.tags == ["防火墙", "iptables", "网络", "安全"]
    assert article.id == "9002" and article.date == datetime(2019, 5, 1)
    assert article.views == 2048 and article.comments == 0


def test_empty_strings_and_nulls_fall_back():
    article = read("empty-fields.md")
    assert article.title == "empty-fields"  # no title, no heading: the file name
    assert (article.id, article.category, article.tags, article.date) == (None, None, [], None)
    assert article.summary == "" and article.author is None and article.views == 0


def test_no_front_matter_title_from_first_heading():
    article = read("随手笔记.md")
    assert article.title == "如何备份数据库"
    assert article.id is None and "定期备份数据库" in article.text


def test_nested_and_non_string_tags():
    article = read("tags-mixed.md")
    assert article.tags == ["Kubernetes", "2024", "容器", "编排"]
    assert article.date == datetime(2023, 11, 15, 6, 13, 20)  # epoch seconds, in UTC+8
    assert article.updated == datetime(2023, 11, 15, 6, 13, 20)  # a YAML datetime
    assert article.editorchoice is True


@pytest.mark.parametrize(
    "relpath, title, first_line",
    [
        ("crlf.md", "Windows 换行符", "这篇文章使用 CRLF 换行符。"),
        ("utf8-bom.md", "带 BOM 的文章", "文件开头有 UTF-8 的字节顺序标记。"),
        ("gb18030-legacy.md", "国标编码的旧文章", "这篇旧文章用 GB18030 编码保存，内容是关于奥运会的回忆。"),
        ("utf16.md", "UTF-16 编码的文章", "这篇文章以 UTF-16 保存，带有字节顺序标记。"),
    ],
)
def test_encodings_and_line_endings(relpath, title, first_line):
    article = read(relpath)
    assert article.title == title
    assert article.markdown.split("\n")[0] == first_line
    assert "\r" not in article.markdown


def test_crlf_front_matter_values():
    article = read("crlf.md")
    assert (article.id, article.category, article.tags) == ("9004", "技术", ["换行"])
    assert article.date == datetime(2021, 3, 5)


def test_offset_date_converted_to_archive_time():
    assert read("utf8-bom.md").date == datetime(2022, 1, 2, 3, 4, 5)


def test_invalid_yaml_names_the_file_and_line():
    with pytest.raises(ArticleError) as info:
        read("broken-yaml.md")
    assert info.value.path == "broken-yaml.md"
    assert "front matter is not valid YAML" in info.value.reason
    assert "line" in info.value.reason


TRADITIONAL = "這篇文章用繁體中文寫成，介紹如何設定防火牆與網路安全。"
JAPANESE = "この記事は日本語で書かれています。ファイアウォールの設定方法を説明します。"
SIMPLIFIED = "这篇文章讲述如何配置防火墙，以及网络安全的基本原则。"


@pytest.mark.parametrize(
    "encoding, title, body",
    [
        ("big5", "繁體中文的舊文章", TRADITIONAL),
        ("shift_jis", "日本語の記事", JAPANESE),
        ("euc_jp", "日本語の記事", JAPANESE),
        ("utf-16-le", "没有字节顺序标记", SIMPLIFIED),
        ("utf-16-be", "没有字节顺序标记", SIMPLIFIED),
        ("gb18030", "国标编码的文章", SIMPLIFIED),
        ("gbk", "国标编码的文章", SIMPLIFIED),
    ],
)
def test_legacy_encodings_without_bom_are_read_right(encoding, title, body):
    article, _ = parse(f"---\ntitle: {title}\ntags: [Linux]\n---\n\n{body}\n".encode(encoding))
    assert (article.title, article.tags, article.text) == (title, ["Linux"], body)


@pytest.mark.parametrize(
    "data, reason",
    [
        # Too short to tell Big5 from GB18030 or Korean: every reading looks fine.
        ("---\ntitle: 網路\n---\n\n繁體\n".encode("big5"), "too little text to tell its encoding"),
        # Valid UTF-8 but for one stray byte: not read as some other encoding.
        (b"---\ntitle: a\n---\n\n" + SIMPLIFIED.encode()[:30] + b"\xff" + SIMPLIFIED.encode()[30:],
         r"not UTF-8 \(invalid start byte at byte 48\), nor text in another known encoding"),
        (b"\x00\x01binary", r"binary data, not text \(NUL bytes\)"),
    ],
)
def test_unsure_or_impossible_guesses_are_refused(data, reason):
    with pytest.raises(ArticleError, match=reason):
        parse(data)


def test_ambiguous_legacy_bytes_are_refused_with_the_candidates():
    # Ten kana and kanji in EUC-JP read as well as ten Hangul syllables in Korean's code page.
    data = "---\ntitle: 試験\n---\n\nサーバーに新しい\n".encode("euc_jp")
    with pytest.raises(ArticleError, match=r"its encoding is unclear \(\w+ or \w+.*\): save it as UTF-8"):
        parse(data)


def test_gbk_without_bom():
    article, _ = parse("---\ntitle: 旧编码\n---\n\n简体中文的正文。\n".encode("gbk"))
    assert article.title == "旧编码" and article.text == "简体中文的正文。"


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary data"),
        (bytes(range(256)) * 4, "binary data"),
        (b"---\ntitle: a\n---\n\x81\x30\xff\xfe\xfd", "not UTF-8 .invalid start byte at byte 17."),
        (b"\xff\xfe" + "中文".encode("utf-16-le") + b"\x00\xd8", "not valid UTF-16-LE"),
    ],
)
def test_binary_and_undecodable_files_are_refused(data, reason):
    with pytest.raises(ArticleError, match=reason):
        parse(data)


def test_stray_control_characters_are_tolerated():
    article, _ = parse("---\ntitle: 退格\n---\n\n正文里有\x08一个退格符。\n")
    assert article.title == "退格"


def test_alias_bomb_is_refused_quickly():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    with pytest.raises(ArticleError, match="expands to more than"):
        parse("---\n" + "\n".join(lines) + "\ntitle: bomb\n---\n\nbody\n")


def test_self_referencing_alias_is_refused():
    with pytest.raises(ArticleError, match="nested more than|expands to more than"):
        parse("---\ntags: &t [a, *t]\n---\n\nbody\n")


def test_python_object_tags_are_never_constructed(tmp_path):
    marker = tmp_path / "pwned"
    text = (
        "---\ntitle: !!python/object/apply:os.system ['touch "
        f"{marker}']\n---\n\nbody\n"
    )
    with pytest.raises(ArticleError, match="YAML tag that is not allowed"):
        parse(text)
    assert not marker.exists()


def test_gigantic_front_matter_is_refused():
    text = "---\ntitle: big\nnote: " + "x" * (MAX_CHARS + 10) + "\n---\n\nbody\n"
    with pytest.raises(ArticleError, match="front matter too long"):
        parse(text)


def test_deep_nesting_is_refused():
    with pytest.raises(ArticleError, match="front matter"):
        parse("---\ntags: " + "[" * 5000 + "]" * 5000 + "\n---\n\nbody\n")


def test_front_matter_that_is_not_a_mapping_is_body():
    article, _ = parse("---\n\n一段被水平线包围的文字\n\n---\n\n正文\n")
    assert "一段被水平线包围的文字" in article.text and "正文" in article.text


def test_unknown_and_bad_values_give_warnings_not_errors():
    article, warnings = parse("---\ntitle: 坏日期\ndate: 昨天晚上\ncount: {viewnum: 很多}\nextra: 1\n---\n\n正文\n")
    assert article.date is None and article.views == 0
    assert any(w.startswith("date: not a date") for w in warnings)
    assert any(w.startswith("count.viewnum") for w in warnings)


def test_huge_single_line_file_is_indexed(tmp_path):
    path = tmp_path / "long.md"
    path.write_text("---\ntitle: 长行\n---\n\n" + "很长的一行没有标点" * 400_000 + "\n", encoding="utf-8")
    article, _ = read_article(path, "long.md")
    assert len(article.text) == 3_600_000


def test_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "huge.md"
    with open(path, "wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(ArticleError, match="file larger than"):
        read_article(path, "huge.md")


def test_unreadable_file_is_refused(tmp_path):
    path = tmp_path / "secret.md"
    path.write_text("正文", encoding="utf-8")
    path.chmod(0)
    if os.access(path, os.R_OK):
        pytest.skip("running as a user who can read any file")
    with pytest.raises(ArticleError, match="cannot read file"):
        read_article(path, "secret.md")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2019-05-01 12:30:00", datetime(2019, 5, 1, 12, 30)),
        ("2019/05/01", datetime(2019, 5, 1)),
        ("2019/5/1 08:05", datetime(2019, 5, 1, 8, 5)),
        ("2019-05-01T12:30:00+08:00", datetime(2019, 5, 1, 12, 30)),
        ("2019-05-01T04:30:00Z", datetime(2019, 5, 1, 12, 30)),
        ("2019年5月1日", datetime(2019, 5, 1)),
        ("2019年5月1日 12:30", datetime(2019, 5, 1, 12, 30)),
        (1556685000, datetime(2019, 5, 1, 12, 30)),
        (1556685000000, datetime(2019, 5, 1, 12, 30)),
        ("1556685000", datetime(2019, 5, 1, 12, 30)),
        (20190501, datetime(2019, 5, 1)),  # YYYYMMDD, not epoch seconds (1970-08-23)
        ("20190501", datetime(2019, 5, 1)),
        ("2019-5-1", datetime(2019, 5, 1)),
        ("2019-5-1 8:05", datetime(2019, 5, 1, 8, 5)),
        ("Wed, 01 May 2019 12:30:00 +0800", datetime(2019, 5, 1, 12, 30)),  # RFC 2822
        ("Wed, 01 May 2019 04:30:00 GMT", datetime(2019, 5, 1, 12, 30)),
        ("Wed, 01 May 2019 04:30:00 -0000", datetime(2019, 5, 1, 12, 30)),
        ("Wed, 01 May 2019 12:30:00 CST", datetime(2019, 5, 1, 12, 30)),  # China Standard Time
        ("May 1, 2019", datetime(2019, 5, 1)),
        ("1 May 2019 12:30", datetime(2019, 5, 1, 12, 30)),
        (None, None),
        ("", None),
    ],
)
def test_date_formats(value, expected):
    assert values.timestamp(value) == expected


@pytest.mark.parametrize(
    "value, message",
    [
        ("2019-13-45", "not a date: '2019-13-45'"),
        ("下周", "not a date: '下周'"),
        ([2019], "expected a date"),
        ("2019年13月1日", "not a date"),
        (20191301, "not a date (as YYYYMMDD): 20191301"),
        ("May 2019", "not a full date (year, month and day): 'May 2019'"),
        ("12:30", "not a full date"),
        ("Wed, 01 May 2019 12:30:00 XYZ", "unknown time zone XYZ"),
    ],
)
def test_bad_dates_raise_value_error(value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        values.timestamp(value)


def test_unreadable_date_is_a_warning_and_the_article_is_kept():
    article, warnings = parse("---\ntitle: 五月\ndate: 2019年5月\nupdated: 20190502\n---\n\n正文\n")
    assert article.date is None and article.updated == datetime(2019, 5, 2)
    assert warnings == ["date: not a date: '2019年5月'; ignored"]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Linux, 内核，驱动、安全", ["Linux", "内核", "驱动", "安全"]),
        (["a", None, 3, ["b", ["c", ""]], "a"], ["a", "3", "b", "c"]),
        ("  单个  ", ["单个"]),
        (None, []),
        ("", []),
    ],
)
def test_text_lists(value, expected):
    assert values.text_list(value) == expected


@pytest.mark.parametrize("value, expected", [(11131, "11131"), ("11131", "11131"), (" x-1 ", "x-1"), ("", None), (None, None)])
def test_ids(value, expected):
    assert values.identifier(value) == expected
