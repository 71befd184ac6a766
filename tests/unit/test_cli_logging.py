"""How `orderdesk` sets up logging: what it keeps out of the log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import _logging
from bot.ui.pdf_font import write_subset

QUIETED = ("fontTools", "httpx", "httpcore")


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """Put back what _logging changes in this process (levels, root handlers, record factory)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in QUIETED}
    factory = logging.getLogRecordFactory()
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)
    logging.setLogRecordFactory(factory)


def test_font_subsetting_for_a_pdf_is_not_logged_at_info(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _logging(verbose=False)
    with caplog.at_level(logging.INFO):
        write_subset("Invoice 发票 Счёт 175.00", tmp_path / "subset.ttf")
        logging.getLogger("bot.services").info("an order is approved")
    assert (tmp_path / "subset.ttf").stat().st_size > 0
    assert [r.name for r in caplog.records if r.name.startswith("fontTools")] == []
    assert [r.getMessage() for r in caplog.records] == ["an order is approved"]
    assert logging.getLogger("fontTools.subset").isEnabledFor(logging.WARNING)
