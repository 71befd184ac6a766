"""The quick-order matcher changed in place (Matcher.update) answers as one built afresh from the
catalog as it is now: added products are found, renamed ones by their new name only, withdrawn
ones never; the names left alone keep their place."""

from __future__ import annotations

import random

from bot.domain.product_match import CatalogEntry, Matcher, MatchKind

THINGS = ["copy paper", "ballpoint pen", "gel pen", "stapler", "staples", "folder", "marker"]
SIZES = ["A4", "A3", "24/6", "0.5 mm", "blue", "red", "80 g"]
QUERIES = [
    "A4 copy paper",
    "papr a3",
    "gel pen blue",
    "stapler 24/6",
    "laminator",
    "thermal binder",
    "LAM-A4",
    "C-00012",
    "marker red",
    "folders",
    "ламинатор",
    "过塑机",
]


def catalog(n: int) -> dict[int, CatalogEntry]:
    rng = random.Random(7)
    return {
        pid: CatalogEntry(
            pid, f"C-{pid:05d}", (f"{rng.choice(THINGS)} {rng.choice(SIZES)} {pid % 13}",)
        )
        for pid in range(1, n + 1)
    }


def answers(matcher: Matcher) -> list[tuple[MatchKind, tuple[int, ...]]]:
    return [(m.kind, m.product_ids) for m in map(matcher.match, QUERIES)]


def test_updated_in_place_answers_as_built_afresh() -> None:
    entries = catalog(400)
    matcher = Matcher(entries.values())
    answers(matcher)  # fills its caches: they must not keep answering from the old catalog
    entries[401] = CatalogEntry(401, "LAM-A4", ("Laminator A4", "过塑机", "Ламинатор"))
    entries[12] = CatalogEntry(12, "C-00012", ("Thermal binder A4",))  # renamed
    removed = [5, 17, 230]
    for pid in removed:
        del entries[pid]
    matcher.update([entries[401], entries[12]], removed)
    fresh = Matcher(entries.values())
    assert answers(matcher) == answers(fresh)
    assert (matcher.size, matcher.products) == (fresh.size, fresh.products) == (798, 398)
    assert matcher.match("laminator").product_ids == (401,)
    assert matcher.match("thermal binder").product_ids == (12,)
    assert matcher.match("C-00005").kind is MatchKind.NOT_FOUND


def test_a_product_withdrawn_then_restored_and_every_name_gone() -> None:
    matcher = Matcher([CatalogEntry(1, "LAM-A4", ("Laminator A4",))])
    matcher.update([], [1])
    assert matcher.match("laminator").kind is MatchKind.NOT_FOUND
    assert matcher.match("LAM-A4").kind is MatchKind.NOT_FOUND and matcher.size == 0
    matcher.update([CatalogEntry(1, "LAM-A4", ("Laminator A4", "过塑机"))])
    assert matcher.match("过塑机").product_ids == (1,) and matcher.size == 3


def test_released_piece_by_piece_it_holds_nothing() -> None:
    matcher = Matcher(catalog(300).values())
    matcher.release(step=7)
    assert (matcher.size, matcher.products) == (0, 0)
    assert matcher.match("copy paper A4").kind is MatchKind.NOT_FOUND
