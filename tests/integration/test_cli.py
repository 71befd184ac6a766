"""The orderdesk command: migrate and catalog import against a real file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import DEMO, ROOT_CONFIG


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    text = ROOT_CONFIG.read_text(encoding="utf-8").replace(
        'path = "var/orderdesk.sqlite3"', f'path = "{tmp_path / "od.sqlite3"}"'
    )
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_migrate_then_import_twice(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config_file), "migrate"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert (
        main(["--config", str(config_file), "catalog", "import", str(DEMO / "products.csv")]) == 0
    )
    assert "created 8, updated 0, rejected 0" in capsys.readouterr().out
    assert (
        main(["--config", str(config_file), "catalog", "import", str(DEMO / "products.csv")]) == 0
    )
    assert "created 0, updated 8, rejected 0" in capsys.readouterr().out


def test_import_reports_rejected_rows(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text("sku,category,name_en,price,stock\nA-1,misc,Thing,1.00,3\nB-2,misc,,2.00,1\n")
    assert main(["--config", str(config_file), "catalog", "import", str(csv)]) == 1
    out = capsys.readouterr().out
    assert "created 1, updated 0, rejected 1" in out and "line 3: missing name_en" in out
    assert main(["--config", str(config_file), "catalog", "import", str(tmp_path / "no.csv")]) == 1
