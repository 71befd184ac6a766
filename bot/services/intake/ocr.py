"""Text lines from a photo of an order list: Debian's tesseract (chi_sim, rus, eng), run as a
program off the event loop, on an image Pillow cleaned up first.

Steps: grayscale; a median filter against speckle noise; small pictures enlarged (tesseract
reads letters about 30 px high best); contrast stretched; turned upright by what tesseract's
orientation detection (OSD) says, else (OSD needs more letters than a short list has) the
way up read with most confidence. Lines without three letters, digits or Chinese characters
tesseract is sure of (confidence MIN_CONFIDENCE or more) are left out: a picture of a cat
gives only such "words".
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
import warnings
from dataclasses import dataclass

from PIL import Image, ImageFilter, ImageOps

from bot.config import IntakeConfig
from bot.domain.intake import IntakeProblem, IntakeRefused, Medium
from bot.services.intake.process import ProgramFailed, ProgramMissing, run

log = logging.getLogger(__name__)

MIN_SIDE = 1200  # pictures whose longer side is shorter are enlarged to about this
MAX_SCALE = 3.0
MAX_PIXELS = 40_000_000  # more is no phone photo (and a decompression bomb at worst)
MIN_CONFIDENCE = 80.0
RETRIES_MAX = 10  # lines read again one by one, at most, per photo
SURE = 85.0  # a reading this confident is upright: the other ways up are not tried
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


def prepare(content: bytes) -> Image.Image:
    """The photo as a clean grayscale image, or IntakeRefused (not an image we can read)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(content))
            if opened.width * opened.height > MAX_PIXELS:
                raise IntakeRefused(IntakeProblem.UNREADABLE, Medium.PHOTO)
            opened.load()
    except IntakeRefused:
        raise
    except Exception:  # Pillow raises many kinds for damaged or foreign files
        raise IntakeRefused(IntakeProblem.UNREADABLE, Medium.PHOTO) from None
    # The median filter first, at the picture's own size: it takes out speckle noise there;
    # enlarged first, the specks grow into blots no window removes (benchmarks/ocr.py).
    image = ImageOps.exif_transpose(opened).convert("L").filter(ImageFilter.MedianFilter(3))
    longest = max(image.size)
    if longest < MIN_SIDE:
        scale = min(MAX_SCALE, MIN_SIDE / longest)
        size = (round(image.width * scale), round(image.height * scale))
        image = image.resize(size, Image.Resampling.LANCZOS)
    return ImageOps.autocontrast(image, cutoff=1)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# Cyrillic letters that look like Latin ones (З like 3): OCR of mixed lists confuses them; in a
# line that is Latin otherwise, г is an r too.
_TO_LATIN = str.maketrans("АВЕКМНОРСТХаеорсухЗг", "ABEKMHOPCTXaeopcyx3r")
_LOOKALIKE = frozenset("АВЕКМНОРСТХаеорсухЗ")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
# A Cyrillic х (or Х) before the quantity ending a line, or alone between a word and a
# number, is the "x" of "paper x 3".
_CYRILLIC_TIMES = re.compile(r"[хХ](?=\s?\d+\s*$)|(?<=[\s\d])[хХ](?=\s?\d|\s)|^[хХ](?=\s?\d)")


# A short capital word with З in it is a size read in Cyrillic: АЗ is A3.
_SIZE = re.compile(r"(?=[АВЕКМНОРСТХЗ]{2,4}$)[АВЕКМНОРСТХ]*З[АВЕКМНОРСТХЗ]*")


def _latin(token: str, twins: frozenset[str]) -> str:
    """The token in Latin letters if every Cyrillic letter in it has a Latin twin."""
    cyrillic = _CYRILLIC.findall(token)
    return token.translate(_TO_LATIN) if cyrillic and set(cyrillic) <= twins else token


def _scripts(text: str) -> str:
    """Cyrillic look-alikes read where Latin was written, put back: in a word with digits or
    Latin letters (A4, TN-2420, PAP-A3-80) or a size (АЗ), then in every word of a line that
    is Latin but for look-alikes ("сору рарег" → "copy paper")."""
    tokens = [
        _latin(t, _LOOKALIKE)
        if _LATIN.search(t) or re.search(r"\d", t) or _SIZE.fullmatch(t)
        else t
        for t in text.split(" ")
    ]
    line = " ".join(tokens)
    if _LATIN.search(line) and set(_CYRILLIC.findall(line)) <= _LOOKALIKE | {"г"}:
        line = _latin(line, _LOOKALIKE | {"г"})
    return _CYRILLIC_TIMES.sub("x", line)


def _joined(words: list[str]) -> str:
    """Words of a line: spaced, except between Chinese characters (tesseract cuts those)."""
    text = ""
    for word in words:
        if text and not (_CJK.match(text[-1]) and _CJK.match(word[0])):
            text += " "
        text += word
    return _scripts(text)


Words = list[tuple[float, str]]  # (confidence, word) of one line
Box = tuple[int, int, int, int]  # left, top, right, bottom


@dataclass(frozen=True)
class Reading:
    """What tesseract read in one orientation: every line's words with its box, the lines it
    was sure enough of, and a score (characters read, weighted by confidence) to compare
    orientations by."""

    found: list[tuple[Box | None, Words]]
    lines: list[str]
    score: float
    confidence: float  # mean over the words of the lines kept; 0 when none


def _sure(words: Words, min_confidence: float) -> bool:
    """Whether a line holds at least three letters, digits or Chinese characters tesseract is
    sure of (a line of specks read as letters holds fewer)."""
    return sum(len(re.findall(r"\w", w)) for c, w in words if c >= min_confidence) >= 3


def _mean(words: Words) -> float:
    return sum(c for c, _ in words) / len(words) if words else 0.0


def reading_of(found: list[tuple[Box | None, Words]], min_confidence: float) -> Reading:
    """The lines with enough tesseract is sure of (see _sure: a picture without text gives
    no lines)."""
    kept = [words for _, words in found if _sure(words, min_confidence)]
    return Reading(
        found=found,
        lines=[_joined([w for _, w in words]) for words in kept],
        score=sum(c * len(w) for words in kept for c, w in words),
        confidence=_mean([word for words in kept for word in words]),
    )


def read_tsv(tsv: str, min_confidence: float = MIN_CONFIDENCE) -> Reading:
    """Tesseract's TSV output: its lines (level 4 rows give their boxes) and their words
    (level 5 rows), read."""
    boxes: dict[tuple[str, ...], Box] = {}
    lines: dict[tuple[str, ...], Words] = {}
    for row in tsv.splitlines()[1:]:
        fields = row.split("\t")
        if len(fields) < 12 or fields[0] not in ("4", "5"):
            continue
        try:
            left, top, width, height = (int(f) for f in fields[6:10])
            confidence = float(fields[10])
        except ValueError:
            continue
        key = tuple(fields[1:5])
        if fields[0] == "4":
            boxes[key] = (left, top, left + width, top + height)
        elif fields[11].strip():
            lines.setdefault(key, []).append((confidence, fields[11].strip()))
    found = [(boxes.get(key), words) for key, words in lines.items()]
    return reading_of(found, min_confidence)


class Tesseract:
    """The OCR engine as configured (intake.tesseract, intake.languages, intake.timeout)."""

    def __init__(self, config: IntakeConfig) -> None:
        self.config = config

    async def _run(self, image: bytes, *args: str) -> str:
        try:
            done = await run(
                [self.config.tesseract, "stdin", "stdout", *args], self.config.timeout, image
            )
        except ProgramMissing:
            log.warning("no tesseract at %s: photos cannot be read", self.config.tesseract)
            raise IntakeRefused(IntakeProblem.NO_OCR, Medium.PHOTO) from None
        except ProgramFailed as error:
            if "Failed loading language" in str(error):
                log.error("tesseract lacks a language of intake.languages: %s", error)
                raise IntakeRefused(IntakeProblem.NO_OCR, Medium.PHOTO) from None
            raise IntakeRefused(IntakeProblem.OCR_FAILED, Medium.PHOTO) from None
        return done.stdout.decode("utf-8", "replace")

    async def _rotation(self, image: bytes) -> int | None:
        """Degrees to turn the picture clockwise to make it upright (None when OSD cannot
        tell: too little text)."""
        try:
            found = await self._run(image, "--psm", "0")
        except IntakeRefused as error:
            if error.problem is IntakeProblem.NO_OCR:
                raise
            return None
        match = re.search(r"Rotate:\s*(\d+)", found)
        return int(match.group(1)) % 360 if match else None

    async def _read(self, image: Image.Image) -> Reading:
        png = await asyncio.to_thread(_png, image)
        tsv = await self._run(png, "-l", self.config.languages, "--psm", "6", "tsv")
        return read_tsv(tsv)

    async def _again(self, image: Image.Image, reading: Reading) -> Reading:
        """Lines kept with some words tesseract was unsure of, read again one by one: in a
        block, a line mixing scripts (TN-2420 黑色硒鼓) is often read worse than alone. The
        better reading of each line is kept."""
        found = list(reading.found)
        tries = 0
        for index, (box, words) in enumerate(found):
            if box is None or tries >= RETRIES_MAX or not _sure(words, MIN_CONFIDENCE):
                continue
            if all(c >= MIN_CONFIDENCE for c, _ in words):
                continue
            tries += 1
            left, top, right, bottom = box
            pad = max(4, (bottom - top) // 3)
            crop = (left - pad, top - pad, right + pad, bottom + pad)
            png = await asyncio.to_thread(_png, image.crop(crop))
            tsv = await self._run(png, "-l", self.config.languages, "--psm", "7", "tsv")
            again = [w for _, ws in read_tsv(tsv).found for w in ws]
            if _mean(again) > _mean(words):
                found[index] = (box, again)
        return reading_of(found, MIN_CONFIDENCE) if tries else reading

    async def lines(self, content: bytes) -> list[str]:
        """The text lines of a photo, upright."""
        image = await asyncio.to_thread(prepare, content)
        turn = await self._rotation(await asyncio.to_thread(_png, image))
        upright = await asyncio.to_thread(image.rotate, -(turn or 0), expand=True)
        reading = await self._read(upright)
        if turn is None and reading.confidence < SURE:
            # OSD could not tell (a short list has too few letters for it) and the picture
            # read as it is gives little: each other way up, the best kept.
            for other in (90, 270, 180):
                turned = await asyncio.to_thread(image.rotate, -other, expand=True)
                candidate = await self._read(turned)
                if candidate.score > reading.score:
                    reading, upright = candidate, turned
        return (await self._again(upright, reading)).lines
