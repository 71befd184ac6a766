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


def _latin(token: str, twins: frozenset[str]) -> str:
    """The token in Latin letters if every Cyrillic letter in it has a Latin twin."""
    cyrillic = _CYRILLIC.findall(token)
    return token.translate(_TO_LATIN) if cyrillic and set(cyrillic) <= twins else token


def _scripts(text: str) -> str:
    """Cyrillic look-alikes read where Latin was written, put back: in a word with digits or
    Latin letters (A4, TN-2420, PAP-A3-80), then in every word of a line that is Latin but for
    look-alikes ("сору рарег" → "copy paper")."""
    tokens = [
        _latin(t, _LOOKALIKE) if _LATIN.search(t) or re.search(r"\d", t) else t
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


@dataclass(frozen=True)
class Reading:
    """What tesseract read in one orientation: the lines it was sure enough of, and a score
    (characters read, weighted by confidence) to compare orientations by."""

    lines: list[str]
    score: float
    confidence: float  # mean over the words of the lines kept; 0 when none


def _sure(words: list[tuple[float, str]], min_confidence: float) -> bool:
    """Whether a line holds at least three letters, digits or Chinese characters tesseract is
    sure of (a line of specks read as letters holds fewer)."""
    return sum(len(re.findall(r"\w", w)) for c, w in words if c >= min_confidence) >= 3


def read_tsv(tsv: str, min_confidence: float = MIN_CONFIDENCE) -> Reading:
    """Lines of tesseract's TSV output with enough it is sure of (see _sure: a picture
    without text gives no lines)."""
    lines: dict[tuple[str, ...], list[tuple[float, str]]] = {}
    for row in tsv.splitlines()[1:]:
        fields = row.split("\t")
        if len(fields) < 12 or fields[0] != "5" or not fields[11].strip():
            continue
        try:
            confidence = float(fields[10])
        except ValueError:
            continue
        lines.setdefault(tuple(fields[1:5]), []).append((confidence, fields[11].strip()))
    kept = [words for words in lines.values() if _sure(words, min_confidence)]
    confidences = [c for words in kept for c, _ in words]
    return Reading(
        lines=[_joined([w for _, w in words]) for words in kept],
        score=sum(c * len(w) for words in kept for c, w in words),
        confidence=sum(confidences) / len(confidences) if confidences else 0.0,
    )


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

    async def _read(self, image: Image.Image, turn: int) -> Reading:
        png = await asyncio.to_thread(lambda: _png(image.rotate(-turn, expand=True)))
        tsv = await self._run(png, "-l", self.config.languages, "--psm", "6", "tsv")
        return read_tsv(tsv)

    async def lines(self, content: bytes) -> list[str]:
        """The text lines of a photo, upright."""
        image = await asyncio.to_thread(prepare, content)
        turn = await self._rotation(await asyncio.to_thread(_png, image))
        reading = await self._read(image, turn or 0)
        if turn is not None or reading.confidence >= SURE:
            return reading.lines
        # OSD could not tell (a short list has too few letters for it) and the picture read
        # as it is gives little: each other way up, the best kept.
        for other in (90, 270, 180):
            candidate = await self._read(image, other)
            if candidate.score > reading.score:
                reading = candidate
        return reading.lines
