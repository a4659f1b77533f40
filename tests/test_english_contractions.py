"""English contractions and possessives read as written out, by the query and the tables alike:
``what's on sale`` browses, ``where's the market`` asks the place, ``lion's mane`` is the goods,
``i'm looking for honey`` asks for honey alone."""

from __future__ import annotations

import pytest

from marketbot.search.normalize import latin_words
from tests.search_rows import index_of


def test_written_out() -> None:
    assert latin_words("What's on sale?") == ["what", "is", "on", "sale"]
    assert latin_words("I'm looking for lion's mane, don't you have it") == [
        "i", "am", "looking", "for", "lion", "mane", "do", "not", "you", "have", "it",
    ]  # fmt: skip
    assert latin_words("can't won't") == ["can", "not", "will", "not"]


@pytest.mark.parametrize(
    ("query", "intent"),
    [("what's on sale", "browse"), ("where's the market", "place"), ("what's for sale", "browse")],
)
def test_contracted_questions(query: str, intent: str) -> None:
    index = index_of([("荆条蜜", "fengchanpin", True), ("猴头菇", "shanzhen", True)])
    assert index.search(query).intent == intent


def test_a_contraction_leaves_no_word_behind() -> None:
    index = index_of([("荆条蜜", "fengchanpin", True), ("猴头菇", "shanzhen", True)])
    answer = index.search("i'm looking for honey")
    assert answer.wish == "蜂蜜" and answer.groups
    assert index.search("lion's mane").groups[0].name == "猴头菇"
