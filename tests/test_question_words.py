"""Question and function words need not match, but still count verbatim."""

from __future__ import annotations

import pytest
from helpers import article


ARTICLES = [
    article("kernel", "编译内核", "下载源码，配置选项，然后编译内核。"),
    article("howto", "怎么编译内核", "怎么编译内核？先下载源码。"),
    article("other", "无关", "怎么做菜。"),
]



@pytest.mark.parametrize("query", ["怎么 编译 内核", "如何编译内核", "编译内核的", "怎么编译内核", "到底要不要编译内核",
                                   "编译内核是什么意思", "how to 编译 the 内核"])
def test_question_words_are_not_required(index, query):
    results = index.search(query)
    assert {h.key for h in results} == {"kernel", "howto"}
    assert results.relaxed == []


def test_the_verbatim_question_ranks_first(index):
    assert index.search("怎么编译内核").hits[0].key == "howto"


def test_a_quoted_function_word_still_matches_it(index):
    """Unquoted alone it is a stop word (tests/test_short_terms.py)."""
    assert {h.key for h in index.search('"怎么"')} == {"howto", "other"}
