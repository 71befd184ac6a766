"""Quick order by text: "3 x A4 paper, 2 toner TN-2420" or "A4纸 3箱" read into (words, quantity).

Pure: no catalog here. Which product the words mean is bot/domain/product_match.py's job.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from bot.domain.errors import InputProblem, InvalidInput, OptionNotOffered
from bot.domain.parsing import clean_text
from bot.domain.product_match import ItemMatch, MatchKind

TEXT_MAX = 2000
ITEMS_MAX = 50
NAME_MAX = 100

# Chinese numerals: digits, and the multipliers between them.
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
_CN = "[" + "".join(_CN_DIGITS) + "".join(_CN_UNITS) + "]+"


def chinese_number(text: str) -> int:
    """十二 → 12, 两千 → 2000, 一百零五 → 105, 三千五 → 3500, 二〇 → 20; ValueError otherwise."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if len(text) > 1 and all(ch in _CN_DIGITS for ch in text) and set(text) & {"零", "〇"}:
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))  # digit by digit: 二〇 → 20
    total = section = 0
    digit: int | None = None
    last_unit = 0  # the multiplier just before a final digit, for 三千五 (= 3500)
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0:
                raise ValueError(f"two digits in a row (三四 is 3 or 4): {text!r}")
            digit = _CN_DIGITS[ch]
            if digit == 0:
                last_unit = 0
        elif ch == "万":
            if digit is None and section == 0:
                raise ValueError(f"万 without a number: {text!r}")
            total += (section + (digit or 0)) * 10_000
            section, digit, last_unit = 0, None, 10_000
        else:
            unit = _CN_UNITS[ch]
            if digit is None and section:
                raise ValueError(f"a multiplier without its digit: {text!r}")
            section += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
    if digit:
        # 三千五 is 3,500 and 一万二 12,000 (colloquial); 十五 and 一百零五 are plain.
        digit = digit * last_unit // 10 if last_unit >= 100 else digit
    return total + section + (digit or 0)


# Words for "a unit of": we sell in the catalog's units, so these are noted and ignored.
_UNITS_EN = (
    "pieces|piece|pcs|pc|boxes|box|bx|packs|pack|packets|packet|pkts|pkt|pk|cartons|carton"
    "|ctns|ctn|reams|ream|units|unit|sets|set|bottles|bottle|rolls|roll|ea"
)
_UNITS_RU = "штук[аи]?|шт|упаковк[аиу]|упаковок|упак|уп|коробк[аиу]|коробок|пачк[аиу]|пачек"
_UNITS_ZH = "个|箱|盒|包|支|枝|件|本|台|套|卷|瓶|只|把|条|袋|桶|块|份|令"
_UNIT = rf"(?:(?:{_UNITS_EN}|{_UNITS_RU})\b\.?|(?:{_UNITS_ZH}))"
_TIMES = r"[x×*]"
_NUMBER = rf"\d+|{_CN}"
_CJK = r"[\u3400-\u9fff\uf900-\ufaff]"

# At the start: "3 x A4 paper", "3 boxes of paper", "3 paper", "x3 paper", "三箱A4纸", "十二支笔".
_LEADING = re.compile(
    rf"(?P<neg>[-−])?(?P<num>{_NUMBER})\s*(?P<unit>{_UNIT})?\s*(?P<times>{_TIMES}(?![a-z]))?"
    rf"\s*(?P<name>.*)",
    re.IGNORECASE | re.DOTALL,
)
_LEADING_TIMES = re.compile(
    rf"(?P<times>{_TIMES})\s*(?P<neg>[-−])?(?P<num>\d+)(?P<unit>)\s+(?P<name>.+)",
    re.IGNORECASE | re.DOTALL,
)
# At the end: "A4 paper x3", "A4 paper 3 pcs", "A4纸 3箱", "A4纸3箱", "订书机两个", "paper: 3",
# "paper - 3" (a dash then a space separates; "-3" is minus three).
_TRAILING = re.compile(
    rf"(?P<name>.*?)(?P<sep>\s*(?:{_TIMES}|[:=]|[-–—](?=\s))\s*|\s+|(?<={_CJK}))"
    rf"(?P<neg>[-−])?(?P<num>{_NUMBER})\s*(?P<unit>{_UNIT})?",
    re.IGNORECASE | re.DOTALL,
)

_SPLIT = re.compile(r"[\n,;、]+|\s+(?:and|&|\+|и)\s+|和", re.IGNORECASE)
_BULLET = re.compile(r"(?:[-–—•*·]|\d{1,2}[.)])\s+")
_FILLER_START = re.compile(
    r"(?:please|pls|i\s+need|i\s+want|i'd\s+like|we\s+need|need|want|add|also)\s+"
    r"|(?:an?|the|some)\s+(?=[^\W\d_])"
    r"|(?:我想要|我需要|我要|请给我|给我|再来|另外|还要|要|来|买)(?=.)",
    re.IGNORECASE,
)
_FILLER_END = re.compile(
    r"(?:\s+(?:please|pls|thanks|thank\s+you|thx)|谢谢|吧)?\s*[.!?。！？]*$", re.IGNORECASE
)
_BARE = re.compile(rf"[-−]?(?:{_NUMBER})?\s*(?:{_UNIT})?\s*{_TIMES}?\s*", re.IGNORECASE)
_OF = re.compile(r"(?:of|из)\s+", re.IGNORECASE)
_EDGES = " \t-–—:：=.·*#"


@dataclass(frozen=True)
class QuickItem:
    """One product asked for: the words naming it, how many, and the unit word if one was said."""

    words: str
    qty: int
    unit: str | None = None
    qty_given: bool = True


def _quantity(raw: str, negative: bool, position: int, maximum: int) -> int:
    try:
        qty = int(raw) if raw.isdigit() else chinese_number(raw)
    except ValueError:
        raise InvalidInput(InputProblem.QUICK_QUANTITY, position, maximum) from None
    if negative or not 1 <= qty <= maximum:
        raise InvalidInput(InputProblem.QUICK_QUANTITY, position, maximum)
    return qty


def _leading(text: str) -> re.Match[str] | None:
    """A quantity at the start, if what follows it can be a product's name."""
    match = _LEADING_TIMES.fullmatch(text) or _LEADING.fullmatch(text)
    if match is None or not match.group("name").strip(_EDGES):
        return None
    marked = bool(match.group("unit") or match.group("times"))
    after = text[match.end("num") : match.end("num") + 1]
    if match.group("num").isdigit():
        # "3 paper", "3箱A4纸" and "3x paper" yes; "80g paper", "24/6 stapler", "3.5" are names.
        return match if marked or after.isspace() or re.match(_CJK, after) else None
    # A Chinese numeral leads with a unit or before other words: 三箱A4纸, 两 staplers; never
    # 一次性杯子, 十字螺丝刀 or 万用表, where it is part of the name.
    return match if marked or not re.match(_CJK, after) else None


def _trailing(text: str) -> re.Match[str] | None:
    """A quantity at the end, if it stands apart from the name ("TN-2420" is no quantity)."""
    match = _TRAILING.fullmatch(text)
    if match is None or not match.group("name").strip(_EDGES):
        return None
    if not match.group("num").isdigit() and not (match.group("unit") or match.group("sep")):
        return None  # 纸一: a numeral glued to the name without a unit is not a quantity
    return match


def _item(segment: str, position: int, maximum: int) -> QuickItem:
    """One segment: the quantity at its start or its end (else 1), the rest names the product."""
    text = _BULLET.sub("", segment, count=1) if _BULLET.match(segment) else segment
    text = _FILLER_START.sub("", text.strip(), count=1).strip()
    text = _FILLER_END.sub("", text).strip()
    if _BARE.fullmatch(text):
        raise InvalidInput(InputProblem.QUICK_NO_PRODUCT, position)
    match = _leading(text) or _trailing(text)
    if match is None:
        words, qty, unit, given = text, 1, None, False
    else:
        neg = bool(match.group("neg"))
        qty = _quantity(match.group("num"), neg, position, maximum)
        words, unit, given = match.group("name"), match.group("unit") or None, True
    words = words.strip(_EDGES)
    words = _OF.sub("", words, count=1) if unit and _OF.match(words) else words
    words = " ".join(words.strip(_EDGES).split())
    if not re.search(r"\w", words):
        raise InvalidInput(InputProblem.QUICK_NO_PRODUCT, position)
    if len(words) > NAME_MAX:
        raise InvalidInput(InputProblem.QUICK_NAME_LONG, position, NAME_MAX)
    return QuickItem(words, qty, unit.strip(". ") if unit else None, given)


class RejectedLine(BaseModel):
    """A typed item left out of a quick order, and why (the other items still count)."""

    model_config = ConfigDict(frozen=True)

    position: int
    typed: str
    problem: InputProblem
    high: int | None = None


def _segments(text: str) -> list[str]:
    if len(text) > TEXT_MAX:
        raise InvalidInput(InputProblem.QUICK_TOO_LONG, None, TEXT_MAX)
    value = clean_text(unicodedata.normalize("NFKC", text), multiline=True)
    segments = [s.strip() for s in _SPLIT.split(value)]
    segments = [s for s in segments if s.strip(_EDGES)]
    if not segments:
        raise InvalidInput(InputProblem.QUICK_EMPTY)
    if len(segments) > ITEMS_MAX:
        raise InvalidInput(InputProblem.QUICK_TOO_MANY, None, ITEMS_MAX)
    return segments


def parse_quick_order(text: str, maximum: int) -> list[QuickItem]:
    """Items typed as free text, one per line or separated by , ; 、 "and" 和; at most 50."""
    return [_item(segment, i, maximum) for i, segment in enumerate(_segments(text), 1)]


def read_quick_order(text: str, maximum: int) -> tuple[list[QuickItem], list[RejectedLine]]:
    """As parse_quick_order, but an item that cannot be read is left out with its reason and
    the others kept; only when none can be read is the first item's problem raised."""
    items: list[QuickItem] = []
    rejected: list[RejectedLine] = []
    first: InvalidInput | None = None
    for i, segment in enumerate(_segments(text), 1):
        try:
            items.append(_item(segment, i, maximum))
        except InvalidInput as error:
            first = first or error
            high = error.high if isinstance(error.high, int) else None
            typed = " ".join(segment.split())
            typed = typed if len(typed) <= 60 else typed[:59] + "…"
            rejected.append(
                RejectedLine(position=i, typed=typed, problem=error.problem, high=high)
            )
    if not items and first is not None:
        raise first
    return items, rejected


# "STP-24 5", "PAP-A4-80 x 10", "STP-24": the staff's SKU QTY lines (bot/domain/parsing.py).
_SKU_LINE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}(?:\s*[x×*]?\s*[-−]?\d+)?")


def typed_as_sku_lines(text: str) -> bool:
    """Every line is one word and maybe a number, as in "STP-24 5": read as SKU QTY lines."""
    value = unicodedata.normalize("NFKC", text)
    rows = [r.strip() for r in re.split(r"[\n,;]", value)]
    rows = [r for r in rows if r]
    return bool(rows) and all(_SKU_LINE.fullmatch(r) for r in rows)


class QuickLine(BaseModel):
    """One typed item and what it was understood as: a product, candidates to pick from, none."""

    model_config = ConfigDict(frozen=True)

    words: str
    qty: int
    unit: str | None = None
    kind: MatchKind
    candidates: tuple[int, ...] = ()
    chosen: int | None = None
    skipped: bool = False

    @property
    def open(self) -> bool:
        """Still waiting for the person to pick a candidate (or none of them)."""
        return self.kind is MatchKind.UNSURE and self.chosen is None and not self.skipped


class QuickOrder(BaseModel):
    """Everything typed, matched; unsure lines are resolved by the person, one by one."""

    model_config = ConfigDict(frozen=True)

    lines: tuple[QuickLine, ...]
    rejected: tuple[RejectedLine, ...] = ()

    @classmethod
    def of(
        cls,
        items: list[QuickItem],
        matches: list[ItemMatch],
        rejected: list[RejectedLine] | None = None,
    ) -> QuickOrder:
        """Items and their matches: a certain match is chosen at once, the others wait."""
        return cls(
            rejected=tuple(rejected or ()),
            lines=tuple(
                QuickLine(
                    words=item.words,
                    qty=item.qty,
                    unit=item.unit,
                    kind=match.kind,
                    candidates=match.product_ids,
                    chosen=match.product_ids[0] if match.kind is MatchKind.CERTAIN else None,
                )
                for item, match in zip(items, matches, strict=True)
            ),
        )

    def _open_line(self, index: int) -> QuickLine:
        if not 0 <= index < len(self.lines) or not self.lines[index].open:
            raise OptionNotOffered()
        return self.lines[index]

    def _with(self, index: int, line: QuickLine) -> QuickOrder:
        lines = list(self.lines)
        lines[index] = line
        return QuickOrder(lines=tuple(lines), rejected=self.rejected)

    def choose(self, index: int, product_id: int) -> QuickOrder:
        """The person picked one of the candidates offered for an unsure line (only those)."""
        line = self._open_line(index)
        if product_id not in line.candidates:
            raise OptionNotOffered()
        return self._with(index, line.model_copy(update={"chosen": product_id}))

    def skip(self, index: int) -> QuickOrder:
        """None of the candidates: the line is left out."""
        line = self._open_line(index)
        return self._with(index, line.model_copy(update={"skipped": True}))

    @property
    def resolved(self) -> bool:
        """No line waits for a pick."""
        return not any(line.open for line in self.lines)

    @property
    def units_ignored(self) -> tuple[str, ...]:
        """The unit words typed ("boxes", "箱"), which are read as the catalog's units."""
        return tuple(dict.fromkeys(line.unit for line in self.lines if line.unit))

    def items(self) -> list[tuple[int, int]]:
        """(product id, quantity) of every chosen line, the same product's lines added up."""
        merged: dict[int, int] = {}
        for line in self.lines:
            if line.chosen is not None:
                merged[line.chosen] = merged.get(line.chosen, 0) + line.qty
        return list(merged.items())

    def product_ids(self) -> list[int]:
        """Every product named: chosen ones and candidates."""
        ids = [line.chosen for line in self.lines if line.chosen is not None]
        ids += [pid for line in self.lines for pid in line.candidates]
        return list(dict.fromkeys(ids))
