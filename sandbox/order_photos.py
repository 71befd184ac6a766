"""Pictures a customer might send of an order list, rendered with Pillow: printed lines in
Chinese, English and Russian (Noto Sans CJK SC, the font OrderDesk ships), optionally turned
or speckled with noise; and a picture with no text at all (shapes, as a photo of a cat is to
the OCR). For the intake tests and benchmarks/ocr.py."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFont

from bot.ui.pdf_font import font_path

FONT_SIZE = 44
LINE_HEIGHT = 72
MARGIN = 40


def order_photo(
    lines: list[str],
    *,
    rotate: int = 0,
    noise: float = 0.0,
    seed: int = 1,
    font_size: int = FONT_SIZE,
    fmt: str = "PNG",
) -> bytes:
    """The lines drawn black on white, one under the other, turned `rotate` degrees
    counter-clockwise, a share `noise` of the pixels set to random greys."""
    font = ImageFont.truetype(str(font_path()), font_size)
    width = MARGIN * 2 + max(round(font.getlength(line)) for line in lines)
    height = MARGIN * 2 + LINE_HEIGHT * len(lines)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((MARGIN, MARGIN + LINE_HEIGHT * i), line, font=font, fill=0)
    if rotate:
        image = image.rotate(rotate, expand=True, fillcolor=255)
    if noise:
        rng = random.Random(seed)
        pixels = image.load()
        assert pixels is not None
        for _ in range(round(image.width * image.height * noise)):
            pixels[rng.randrange(image.width), rng.randrange(image.height)] = rng.randrange(256)
    out = io.BytesIO()
    image.convert("RGB").save(out, format=fmt)
    return out.getvalue()


def shapes_photo(seed: int = 7, size: tuple[int, int] = (800, 600)) -> bytes:
    """A picture without a word in it: coloured ellipses, boxes and scribbles."""
    rng = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size, (200, 180, 150))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(width), rng.randrange(height)
        box = (x, y, x + rng.randrange(20, 200), y + rng.randrange(20, 200))
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        if rng.random() < 0.5:
            draw.ellipse(box, fill=colour)
        else:
            draw.rectangle(box, fill=colour)
    for _ in range(15):
        points = [(rng.randrange(width), rng.randrange(height)) for _ in range(4)]
        draw.line(points, fill=(0, 0, 0), width=3)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()
