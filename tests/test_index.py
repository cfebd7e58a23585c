"""The index stores postings as packed integers: they unpack to the pairs packed, and a value
that would not fit is refused rather than cut."""

from __future__ import annotations

from array import array

import pytest

from bot.engine import Engine
from bot.search.index import (
    LENGTH_MASK,
    MAX_DOC,
    MAX_INSTANCE,
    WEIGHT_MASK,
    Index,
    posting,
    text_posting,
    weight_table,
)
from bot.search.scoring import FIELD_WEIGHTS

PAIRS = [(0, 0), (1, 5), (397_521, 40), (MAX_INSTANCE, LENGTH_MASK), (7, 1)]


def test_postings_unpack_to_the_pairs_packed_in_their_order() -> None:
    stored = Index.pack_postings(PAIRS)
    assert isinstance(stored, array) and stored.typecode == "q" and len(stored) == len(PAIRS)
    assert Index.unpack_postings(stored) == PAIRS
    assert Index.unpack_postings(Index.pack_postings([])) == []


def test_text_postings_unpack_to_the_pairs_packed_with_every_field_weight() -> None:
    index = Index(weights=weight_table(FIELD_WEIGHTS))
    pairs = [(doc, weight) for doc, weight in enumerate(FIELD_WEIGHTS.values())]
    pairs += [(MAX_DOC, FIELD_WEIGHTS["text"]), (0, FIELD_WEIGHTS["summary"])]
    stored = index.pack_text_postings(pairs)
    assert isinstance(stored, array) and stored.typecode == "q"
    assert index.unpack_text_postings(stored) == pairs


@pytest.mark.parametrize(
    "pair", [(MAX_INSTANCE + 1, 3), (5, LENGTH_MASK + 1), (-1, 3), (5, -1)], ids=str
)
def test_a_posting_that_does_not_fit_is_refused(pair: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="does not fit"):
        Index.pack_postings([(1, 2), pair])


@pytest.mark.parametrize("pair", [(MAX_DOC + 1, 0.55), (-1, 0.55), (3, 0.42)], ids=str)
def test_a_text_posting_that_does_not_fit_is_refused(pair: tuple[int, float]) -> None:
    index = Index(weights=weight_table(FIELD_WEIGHTS))
    with pytest.raises(ValueError, match="does not fit"):
        index.pack_text_postings([pair])


def test_the_builder_packs_one_posting_at_a_time_with_the_same_checks() -> None:
    assert posting(3, 7) == Index.pack_postings([(3, 7)])[0]
    with pytest.raises(ValueError, match="does not fit"):
        posting(3, LENGTH_MASK + 1)
    with pytest.raises(ValueError, match="does not fit"):
        text_posting(3, WEIGHT_MASK + 1)


def test_more_distinct_field_weights_than_a_text_posting_can_name_are_refused() -> None:
    weights = {kind: n / 10 for n, kind in enumerate(FIELD_WEIGHTS)}
    assert len(weight_table(weights)) == len(FIELD_WEIGHTS)  # eight fit
    with pytest.raises(ValueError, match="distinct field weights"):
        weight_table({**weights, "extra": 0.99})  # type: ignore[dict-item]


def test_the_built_index_holds_packed_postings_that_point_at_its_fields(engine: Engine) -> None:
    index = engine.matcher.index
    assert index.postings and index.text_postings
    for stored in index.postings.values():
        pairs = index.unpack_postings(stored)
        assert all(0 <= i < len(index.instances) and length > 0 for i, length in pairs)
        assert index.pack_postings(pairs) == stored
    weights = set(FIELD_WEIGHTS.values())
    for stored in index.text_postings.values():
        pairs = index.unpack_text_postings(stored)
        assert all(0 <= doc < len(index.targets) and w in weights for doc, w in pairs)
        assert index.pack_text_postings(pairs) == stored
