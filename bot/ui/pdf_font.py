"""The font of invoice PDFs: Noto Sans CJK SC, cut to the characters of one document and given
TrueType outlines before it is embedded.

Noto Sans CJK SC (SIL Open Font License) covers Chinese, Cyrillic and Latin in one face and
comes from PyPI (the `mplfonts` package), so every machine that installs OrderDesk has it and
no system font is needed. It has PostScript (CFF) outlines; fpdf2 embeds those with a custom
encoding that pdfminer cannot read at all and pypdf spaces out letter by letter. Converted to
TrueType outlines (fontTools' cu2qu) it embeds as an Identity-H TrueType CID font, which every
viewer and text extractor reads. Cutting it to the document's characters first keeps this fast
(about half a second) and the PDF small (tens of kilobytes). The few characters it lacks (the
rouble sign, narrow spaces) come from DejaVu Sans, which matplotlib ships."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

FONT_PACKAGE = "mplfonts"
FONT_FILE = Path("fonts") / "NotoSansCJKsc-Regular.otf"
FALLBACK_PACKAGE = "matplotlib"
FALLBACK_FILE = Path("mpl-data") / "fonts" / "ttf" / "DejaVuSans.ttf"
# Largest distance (font units of 1000 per em) between a curve and its quadratic conversion.
MAX_ERROR = 1.0
_MAXP_ZERO = (
    "maxTwilightPoints",
    "maxStorage",
    "maxFunctionDefs",
    "maxInstructionDefs",
    "maxStackElements",
    "maxSizeOfInstructions",
    "maxComponentElements",
)


class FontMissing(RuntimeError):
    """The invoice font is not installed: reinstall OrderDesk (`pip install -e .`)."""


def _package_file(package: str, relative: Path) -> Path:
    """A file installed with a package (the package is not imported), or FontMissing."""
    spec = importlib.util.find_spec(package)
    for folder in list(spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / relative
        if path.is_file():
            return path
    raise FontMissing(f"{relative.name} not found: install the '{package}' package")


@lru_cache(maxsize=1)
def font_path() -> Path:
    """Where the installed Noto Sans CJK SC file is."""
    return _package_file(FONT_PACKAGE, FONT_FILE)


@lru_cache(maxsize=4)
def _characters(path: Path) -> frozenset[str]:
    """Every character a font has a glyph for."""
    return frozenset(chr(code) for code in TTFont(path, lazy=True).getBestCmap())


def fonts_for(text: str, folder: Path) -> tuple[list[Path], str]:
    """Fonts for the characters of a text, cut to them and written to a folder: Noto Sans
    CJK SC, then DejaVu Sans for what it lacks, if anything. Also the characters neither has
    (emoji, say), to be left out."""
    main = font_path()
    wanted = set(text) - set("\n\r\t")
    lacking = "".join(sorted(wanted - _characters(main)))
    paths = [write_subset("".join(sorted(wanted)), folder / "main.ttf", main)]
    if not lacking:
        return paths, ""
    fallback = _package_file(FALLBACK_PACKAGE, FALLBACK_FILE)
    have = _characters(fallback)
    extra = "".join(ch for ch in lacking if ch in have)
    if extra:
        paths.append(write_subset(extra, folder / "fallback.ttf", fallback))
    return paths, "".join(ch for ch in lacking if ch not in have and not ch.isspace())


def _to_truetype(font: TTFont) -> None:
    """Replace a font's CFF outlines by quadratic (TrueType) ones, in place."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for field in _MAXP_ZERO:
        setattr(maxp, field, 0)
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0  # no glyph names needed
    font.sfntVersion = "\x00\x01\x00\x00"


def write_subset(text: str, target: Path, source: Path | None = None) -> Path:
    """Write a TrueType font holding the characters of `text` (and space) to `target`."""
    font = TTFont(source or font_path(), lazy=True)
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.drop_tables += ["VORG", "vhea", "vmtx", "BASE", "GSUB", "GPOS", "GDEF", "FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text + " ")
    subsetter.subset(font)
    if "CFF " in font:
        _to_truetype(font)
    font.save(target)
    return target
