"""Which product typed words mean: an exact SKU is certain; names are matched fuzzily and only a
clear winner is taken; anything else is a question to the person, never a silent guess.

Pure: the catalog comes in as CatalogEntry values. Scoring is per word: each typed word meets its
closest word of a product's name (in any language), so "A4 papr" is A4 paper and not A3 paper, and
Chinese is compared character by character ("A4纸" meets "A4复印纸"). rapidfuzz's WRatio first
picks a short list, then every product on it is scored word by word. A product wins when it scores
80 or more and leads by 10, or when it alone holds every typed word exactly.

The Matcher is an index, built once per catalog (bot/services/quick_order.py keeps it, and
updates it in place for the products a commit wrote): a typed word can only score in a name that
holds the same word or a near spelling of it (_word_score gives 0 below 60), so the names that
hold one are found through a word → names dictionary, and only they are short-listed, not every
name of 100,000 products.
"""

from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from itertools import islice
from typing import TypeVar

from rapidfuzz import fuzz, process, utils

CERTAIN_SCORE = 80  # a winner needs at least this …
CERTAIN_GAP = 10  # … and this much more than the runner-up
CANDIDATE_SCORE = 55  # below this a product is offered only if one typed word is in its name
HIT_SCORE = 90  # a typed word this close to a word of the name "is in" the name
FULL = 99.99  # every typed word found, exactly
CANDIDATES = 3
SHORT_LIST = 40
NEAR_SCORE = 60  # _word_score's floor: a name holding no word this near a typed one scores 0
MOST_NAMES = 1000  # names short-listed by WRatio at most (typed words common to more: see _narrow)
COMMON = 500  # a typed word near the words of more names than this has them kept …
KEPT_WORDS = 256  # … for this many such words

_CJK = re.compile(r"([\u3400-\u9fff\uf900-\ufaff])")
_AROUND_CJK = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff])|(?=[\u3400-\u9fff\uf900-\ufaff])")
_SKU_NOISE = re.compile(r"[\s\-_./]")
# Cyrillic letters that look Latin, typed in codes such as "а4" for "A4".
_HOMOGLYPHS = str.maketrans("авекмнорстух", "abekmhopctyx")
_UNIT_AFTER_DIGITS = re.compile(r"(?<=\d)(?=[a-z])")
K = TypeVar("K")
V = TypeVar("V")
_STOP = frozenset({"of", "the", "a", "an", "and", "pcs", "x", "的", "и"})


class MatchKind(StrEnum):
    """How sure the match is."""

    CERTAIN = "certain"
    UNSURE = "unsure"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class CatalogEntry:
    """A product as the matcher sees it: id, SKU and its names in every language."""

    product_id: int
    sku: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class ItemMatch:
    """The products the words may mean, best first: one when certain, up to three when unsure."""

    kind: MatchKind
    product_ids: tuple[int, ...] = ()
    scores: tuple[float, ...] = field(default=(), compare=False)


def sku_key(text: str) -> str:
    """A SKU compared without case, spaces, hyphens, dots or slashes: "tn 2420" → "TN2420"."""
    return _SKU_NOISE.sub("", unicodedata.normalize("NFKC", text)).upper()


@lru_cache(maxsize=1 << 16)
def _folded(word: str) -> tuple[str, ...]:
    """One space-separated word as words: look-alike letters folded in codes, "80g" is "80 g"
    (cached: catalogs repeat their words; building the index at 100,000 products 2x faster)."""
    if any(ch.isdigit() for ch in word):
        word = word.translate(_HOMOGLYPHS)
    return tuple(_UNIT_AFTER_DIGITS.sub(" ", word).split())


def words_of(text: str) -> list[str]:
    """Lower-case words, every Chinese character a word of its own, look-alike letters folded."""
    spaced = _AROUND_CJK.sub(" ", utils.default_process(unicodedata.normalize("NFKC", text)))
    words: list[str] = []
    for word in spaced.split():
        words += _folded(word)
    return words


@lru_cache(maxsize=1 << 16)
def _has_digit(word: str) -> bool:
    return any(ch.isdigit() for ch in word)


def _weight(word: str) -> int:
    return 2 if _CJK.fullmatch(word) else max(len(word), 2)


def _word_score(word: str, name_words: Sequence[str]) -> float:
    best = 0.0
    digit = _has_digit(word)
    for other in name_words:
        if word == other:
            return 100.0
        score = fuzz.ratio(word, other)
        if len(word) >= 4 and other.startswith(word):
            score = max(score, 90.0)
        if (digit or _has_digit(other)) and score < 100:
            score *= 0.6  # "A4" and "A3" are different products, not near spellings
        best = max(best, score)
    return best if best >= 60 else 0.0


def _significant(word: str) -> bool:
    return len(word) >= 3 or bool(_CJK.fullmatch(word)) or any(ch.isdigit() for ch in word)


def name_score(query: list[str], name_words: Sequence[str]) -> tuple[float, bool]:
    """How well the typed words are covered by a name's words (0–100, weighted by word length),
    and whether at least one meaningful typed word is in the name."""
    wanted = [w for w in query if w not in _STOP] or query
    total = sum(_weight(w) for w in wanted)
    if not total or not name_words:
        return 0.0, False
    scores = [_word_score(w, name_words) for w in wanted]
    coverage = sum(_weight(w) * s for w, s in zip(wanted, scores, strict=True)) / total
    hit = any(s >= HIT_SCORE and _significant(w) for w, s in zip(wanted, scores, strict=True))
    return coverage, hit


def _empty(table: dict[K, V], step: int) -> None:
    """Empty a dictionary `step` entries at a time."""
    while table:
        for key in list(islice(table, step)):
            del table[key]


class Matcher:
    """Match typed words against one catalog: an index built once, then asked many times (from
    any thread), and changed in place when products are added, renamed or withdrawn (update).
    A lock keeps a match from seeing an update half done."""

    def __init__(self, entries: Iterable[CatalogEntry]) -> None:
        self._lock = threading.Lock()
        self._by_sku: dict[str, int] = {}
        self._sku_of: dict[int, str] = {}  # each product's SKU key
        self._owners = array("l")  # each name's product, -1 once removed (arrays: ~1/3 of a
        # list's memory)
        # Tuples: the garbage collector stops visiting tuples of strings and of numbers, so a
        # big index does not lengthen every full collection (a pause for the whole process).
        self._words: list[tuple[str, ...]] = []
        self._slots: dict[int, array[int]] = {}  # each product's names (positions in _owners)
        # word → the names holding it, in ascending order (kept so: found by bisection)
        self._postings: dict[str, array[int]] = {}
        self._removed = 0  # names removed (their positions are kept, empty)
        self._spelled: list[str] = []
        for entry in entries:
            self._add(entry, array("l"), building=True)
        # Words with a digit meet only themselves (_word_score: a near spelling scores 60 % of
        # it, below the floor); the others are looked up by spelling and by prefix.
        self._spelled = sorted(word for word in self._postings if not _has_digit(word))
        self._near_cache: dict[str, tuple[str, ...]] = {}
        self._names_cache: dict[str, frozenset[int]] = {}

    def _add(self, entry: CatalogEntry, free: array[int], *, building: bool = False) -> None:
        """Index a product's names and SKU: in the positions its old names had (free), so it
        keeps its place in catalog order, then at the end."""
        key = sku_key(entry.sku)
        self._by_sku[key] = entry.product_id
        self._sku_of[entry.product_id] = key
        slots = array("l")
        for text in (*entry.names, re.sub(r"[-_./]", " ", entry.sku)):
            if not text.strip():
                continue
            words = tuple(words_of(text))
            if free:
                index = free.pop(0)
                self._owners[index] = entry.product_id
                self._words[index] = words
                self._removed -= 1
            else:
                index = len(self._owners)
                self._owners.append(entry.product_id)
                self._words.append(words)
            slots.append(index)
            for word in set(words):
                names = self._postings.get(word)
                if names is None:
                    names = self._postings[word] = array("l")
                    if not building and not _has_digit(word):
                        bisect.insort(self._spelled, word)
                if not names or names[-1] < index:
                    names.append(index)
                else:
                    names.insert(bisect.bisect_left(names, index), index)
        self._slots[entry.product_id] = slots

    def _remove(self, product_id: int) -> array[int]:
        """Take a product out of the index; the positions its names had (now empty)."""
        key = self._sku_of.pop(product_id, None)
        if key is not None and self._by_sku.get(key) == product_id:
            del self._by_sku[key]
        slots = self._slots.pop(product_id, array("l"))
        for index in slots:
            for word in set(self._words[index]):
                names = self._postings[word]
                del names[bisect.bisect_left(names, index)]
                if not names:
                    del self._postings[word]
                    if not _has_digit(word):
                        del self._spelled[bisect.bisect_left(self._spelled, word)]
            self._owners[index] = -1
            self._words[index] = ()
            self._removed += 1
        return slots

    def update(self, entries: Iterable[CatalogEntry], removed: Iterable[int] = ()) -> None:
        """Products added or changed (entries: as they are now) and products no longer sold
        (removed: their ids), applied in place; the rest of the index is left as it is."""
        with self._lock:
            for product_id in removed:
                self._remove(product_id)
            for entry in entries:
                self._add(entry, self._remove(entry.product_id))
            self._near_cache.clear()
            self._names_cache.clear()

    def release(self, step: int = 5000) -> None:
        """Drop the index a piece at a time (on a worker thread): freed at once, its millions
        of objects are one C call that holds the GIL, and so the event loop (~0.1 s at
        100,000 products); between pieces the loop runs. The matcher is empty afterwards."""
        with self._lock:
            for big in (self._words, self._spelled):
                while big:
                    del big[-step:]
            _empty(self._postings, step)
            _empty(self._slots, step)
            _empty(self._by_sku, step)
            _empty(self._sku_of, step)
            self._owners = array("l")
            self._near_cache.clear()
            self._names_cache.clear()
            self._removed = 0

    @property
    def size(self) -> int:
        """Names (and SKUs) indexed."""
        return len(self._owners) - self._removed

    @property
    def products(self) -> int:
        """Products indexed."""
        return len(self._slots)

    def _near(self, word: str) -> tuple[str, ...]:
        """The catalog's words that _word_score does not score 0 against this typed word."""
        if _has_digit(word):
            return (word,) if word in self._postings else ()
        found = self._near_cache.get(word)
        if found is not None:
            return found
        near = {
            other
            for other, _, _ in process.extract(
                word,
                self._spelled,
                scorer=fuzz.ratio,
                processor=None,
                score_cutoff=NEAR_SCORE,
                limit=None,
            )
        }
        if len(word) >= 4:  # a prefix scores 90 (_word_score)
            start = bisect.bisect_left(self._spelled, word)
            for other in self._spelled[start:]:
                if not other.startswith(word):
                    break
                near.add(other)
        found = tuple(sorted(near))
        if len(self._near_cache) < 100_000:
            self._near_cache[word] = found
        return found

    def _names_with(self, word: str) -> frozenset[int]:
        """The names holding a word near this typed one (kept for common words)."""
        found = self._names_cache.get(word)
        if found is not None:
            return found
        names: set[int] = set()
        for other in self._near(word):
            names.update(self._postings[other])
        found = frozenset(names)
        if len(found) > COMMON:
            if len(self._names_cache) >= KEPT_WORDS:
                self._names_cache.pop(next(iter(self._names_cache), ""), None)
            self._names_cache[word] = found
        return found

    def _narrow(self, query: list[str]) -> list[int]:
        """The names where some typed word can score: those holding it or a near spelling.
        When common words make them more than MOST_NAMES, the names holding every typed word
        come first, then those missing one, then those holding the rarer words (WRatio's ties
        go to the first)."""
        wanted = [w for w in query if w not in _STOP] or query
        sets = [self._names_with(word) for word in dict.fromkeys(wanted)]
        if sum(len(names) for names in sets) <= MOST_NAMES:
            return sorted(set().union(*sets))
        sets.sort(key=len)  # intersections go through the smallest first
        levels: list[frozenset[int]] = [frozenset.intersection(*sets)]
        if 2 < len(sets) <= 8:
            levels += [
                frozenset.intersection(*(sets[:i] + sets[i + 1 :])) for i in range(len(sets))
            ]
        levels += sets
        chosen: dict[int, None] = {}
        for level in levels:
            room = MOST_NAMES - len(chosen)
            chosen.update(dict.fromkeys(islice((n for n in level if n not in chosen), room)))
            if len(chosen) >= MOST_NAMES:
                return list(chosen)
        return sorted(chosen)  # all of them: in catalog order, as when they are few

    def _skus_in(self, words: str) -> list[int]:
        """Products whose SKU is the whole text, a word, or adjacent words of it."""
        whole = self._by_sku.get(sku_key(words))
        if whole is not None:
            return [whole]
        tokens = unicodedata.normalize("NFKC", words).split()
        found: list[int] = []
        for start in range(len(tokens)):
            for end in range(start + 1, min(start + 3, len(tokens)) + 1):
                piece = " ".join(tokens[start:end])
                key = sku_key(piece)
                code_like = any(ch.isdigit() for ch in key) or "-" in piece
                product = self._by_sku.get(key)
                if product is not None and code_like and product not in found:
                    found.append(product)
        return found

    def match(self, words: str) -> ItemMatch:
        """Certain, unsure (with up to three candidates) or not found."""
        with self._lock:
            return self._match(words)

    def _match(self, words: str) -> ItemMatch:
        skus = self._skus_in(words)
        if len(skus) == 1:
            return ItemMatch(MatchKind.CERTAIN, (skus[0],), (100.0,))
        if skus:
            return ItemMatch(MatchKind.UNSURE, tuple(skus[:CANDIDATES]), (100.0,) * len(skus))
        query = words_of(words)
        if not query or not self.size:
            return ItemMatch(MatchKind.NOT_FOUND)
        narrowed = self._narrow(query)
        short = process.extract(
            " ".join(query),
            [" ".join(self._words[index]) for index in narrowed],
            scorer=fuzz.WRatio,
            processor=None,
            limit=SHORT_LIST,
        )
        best: dict[int, float] = {}
        offered: set[int] = set()
        for _, _, position in short:
            index = narrowed[position]
            owner = self._owners[index]
            score, hit = name_score(query, self._words[index])
            best[owner] = max(best.get(owner, 0.0), score)
            if hit or score >= CANDIDATE_SCORE:
                offered.add(owner)
        ranked = sorted(((best[pid], pid) for pid in offered), key=lambda pair: -pair[0])
        if not ranked:
            return ItemMatch(MatchKind.NOT_FOUND)
        top, runner_up = ranked[0][0], ranked[1][0] if len(ranked) > 1 else 0.0
        # A clear lead wins; so does having every typed word, exactly, when no other product
        # has them all ("A4 copy paper 80 g" is not A3 copy paper 80 g, however alike).
        only_complete = top >= FULL and runner_up < FULL
        if top >= CERTAIN_SCORE and (top - runner_up >= CERTAIN_GAP or only_complete):
            return ItemMatch(MatchKind.CERTAIN, (ranked[0][1],), (top,))
        kept = ranked[:CANDIDATES]
        return ItemMatch(
            MatchKind.UNSURE, tuple(pid for _, pid in kept), tuple(s for s, _ in kept)
        )
