"""The layers point down: services never import telegram, bot/ never imports the sandbox."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_services_domain_and_db_do_not_import_telegram() -> None:
    for folder in ("services", "domain", "db"):
        for path in (BOT / folder).rglob("*.py"):
            assert "telegram" not in _imports(path), path


def test_bot_does_not_import_the_sandbox() -> None:
    for path in BOT.rglob("*.py"):
        assert "sandbox" not in _imports(path), path


def test_sql_lives_in_bot_db() -> None:
    for path in BOT.rglob("*.py"):
        if "db" in path.relative_to(BOT).parts:
            continue
        text = path.read_text(encoding="utf-8")
        for keyword in ("SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM"):
            assert keyword not in text, f"{path}: {keyword}"
