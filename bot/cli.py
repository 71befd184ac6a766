"""The `orderdesk` command: run, migrate, catalog import."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.clock import SystemClock
from bot.config import Config, ConfigError, load_config
from bot.db import Database
from bot.db.database import DatabaseLocked
from bot.db.migrations import migrate
from bot.i18n import MissingCatalog
from bot.services.catalog_import import CatalogImportService

EXIT_CONFIG = 2


def _logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def _run(config: Config) -> int:
    from bot.app import ALLOWED_UPDATES, build_application

    if not config.telegram.token.get_secret_value():
        raise ConfigError("telegram.token: is empty (set it, or the ORDERDESK_TOKEN variable)")
    app = build_application(config)
    app.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0


async def _migrate(config: Config) -> int:
    db = Database(config.database.path)
    await db.open()  # opening applies what is pending
    try:
        applied = await migrate(db.connection)
        print(
            f"database {config.database.path}: up to date" + (f" ({applied})" if applied else "")
        )
    finally:
        await db.close()
    return 0


async def _import(config: Config, path: Path) -> int:
    db = Database(config.database.path)
    await db.open()
    try:
        text = path.read_text(encoding="utf-8-sig")
        report = await CatalogImportService(db, config, SystemClock()).import_csv(
            text, path.parent
        )
    finally:
        await db.close()
    print(f"created {report.created}, updated {report.updated}, rejected {len(report.rejected)}")
    for line, reason in report.rejected:
        print(f"  line {line}: {reason}")
    return 1 if report.rejected else 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `orderdesk` console script."""
    parser = argparse.ArgumentParser(prog="orderdesk", description=__doc__)
    parser.add_argument("--config", type=Path, default=Path("config.toml"), help="TOML file")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="serve the bot")
    sub.add_parser("migrate", help="create or upgrade the database")
    catalog = sub.add_parser("catalog", help="catalog data")
    catalog_sub = catalog.add_subparsers(dest="action", required=True)
    imp = catalog_sub.add_parser("import", help="import products from CSV (re-runnable)")
    imp.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    _logging(args.verbose)
    try:
        config = load_config(args.config)
        if args.command == "run":
            return _run(config)
        if args.command == "migrate":
            return asyncio.run(_migrate(config))
        if not args.file.is_file():
            print(f"orderdesk: {args.file}: no such file", file=sys.stderr)
            return 1
        return asyncio.run(_import(config, args.file))
    except ConfigError as error:
        print(f"orderdesk: configuration error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except DatabaseLocked as error:
        print(f"orderdesk: database {error} is locked by another process", file=sys.stderr)
        return 1
    except MissingCatalog as error:
        print(f"orderdesk: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
