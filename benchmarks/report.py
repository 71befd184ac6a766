"""The rows every benchmark prints, and the one table `make bench` ends with."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Row:
    """One figure: which benchmark, what was measured, the figure (and its worst case), and
    the goal it is held against with the verdict ("" when there is no goal)."""

    bench: str
    measure: str
    detail: str
    value: float
    worst: float | None
    goal: str
    unit: str = "ms"


def fmt(value: float | None, unit: str) -> str:
    """A figure with its unit, rounded for reading."""
    if value is None:
        return ""
    if unit in ("ms", "MB") and value < 10:
        return f"{value:.1f} {unit}"
    if unit in ("%", "/s"):
        return f"{value:.1f} {unit}"
    if unit == "x":
        return f"{value:.2f}"
    return f"{value:,.0f} {unit}"


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| benchmark | measure | detail | figure | worst | goal |",
        "|---|---|---|---:|---:|---|",
    ]
    for r in rows:
        cells = [r.bench, r.measure, r.detail, fmt(r.value, r.unit), fmt(r.worst, r.unit), r.goal]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def emit(rows: list[Row], path: Path | None = None) -> None:
    """Print the rows as a table; also write them as JSON when asked (for `make bench`)."""
    print()
    print(table(rows))
    if path is not None:
        path.write_text(json.dumps([asdict(r) for r in rows], indent=1), encoding="utf-8")


def load(path: Path) -> list[Row]:
    """Rows written by emit()."""
    return [Row(**item) for item in json.loads(path.read_text(encoding="utf-8"))]
