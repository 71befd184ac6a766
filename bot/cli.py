"""The `orderdesk` command: run, migrate, catalog import, remind --dry-run, export, backup,
restore, check.

Exit codes: 0 done; 1 the command ran but refused part of its input (rejected catalog rows, an
unusable backup file); 2 a wrong argument or configuration; 3 the database cannot serve (not
a database, damaged, read-only, locked or in use by another process) or `check` found problems.
Each error is one line on standard error."""

from __future__ import annotations

import argparse
import asyncio
import gc
import gettext
import logging
import os
import re
import sqlite3
import sys
from datetime import date, datetime
from functools import partial
from html import unescape
from pathlib import Path
from typing import IO, TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.clock import Clock, FixedClock, SystemClock
from bot.config import Config, ConfigError, load_config
from bot.db import Database
from bot.db.backups import BackupInvalid, CopyInfo, DatabaseInUse, check_database, restore
from bot.db.migrations import migrate
from bot.domain.errors import InvalidInput
from bot.domain.exports import MAX_DAYS, Dataset, ExportPeriod
from bot.domain.models import Language
from bot.domain.reminders import Kind
from bot.i18n import MissingCatalog
from bot.logs import protect_logs
from bot.runtime.connection import DatabaseUnusable, problem

if TYPE_CHECKING:
    from bot.services.reminders import Planned

EXIT_REFUSED = 1
EXIT_CONFIG = 2
EXIT_DATABASE = 3
DATASET_NAMES = {
    "orders": Dataset.ORDERS,
    "lines": Dataset.LINES,
    "order-lines": Dataset.LINES,
    "payments": Dataset.PAYMENTS,
    "receivables": Dataset.RECEIVABLES,
}
FORMATS = ("xlsx", "csv")


class BadArguments(Exception):
    """A command line argument is wrong; the message says which and why."""


def _logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    protect_logs()  # phone numbers; `run` adds the token
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # fontTools (under fpdf2) logs every font subset it makes at INFO: one PDF, dozens of lines.
    logging.getLogger("fontTools").setLevel(logging.WARNING)


def _run(config: Config) -> int:
    from bot.app import ALLOWED_UPDATES, build_application

    if not config.telegram.token.get_secret_value():
        raise ConfigError("telegram.token: is empty (set it, or the ORDERDESK_TOKEN variable)")
    app = build_application(config)
    # Everything loaded so far lives as long as the process: kept out of the collector's way,
    # a full collection then walks only what updates create (~70 ms pauses -> a few ms).
    gc.collect()
    gc.freeze()
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
    from bot.services.catalog_import import CatalogImportService

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise BadArguments(f"{path}: cannot be read as UTF-8 text ({error})") from None
    db = Database(config.database.path)
    await db.open()
    try:
        report = await CatalogImportService(db, config, SystemClock()).import_csv(
            text, path.parent
        )
    finally:
        await db.close()
    print(f"created {report.created}, updated {report.updated}, rejected {len(report.rejected)}")
    for line, reason in report.rejected:
        print(f"  line {line}: {reason}")
    return 1 if report.rejected else 0


def _described(info: CopyInfo) -> str:
    counts = ", ".join(f"{n} {table}" for table, n in info.rows.items())
    return f"{counts}; {info.migrations} migrations, {info.size / 1000:,.0f} kB, integrity ok"


async def _backup(config: Config, target: Path) -> int:
    """A consistent copy of the database, taken while the bot runs."""
    source = config.database.path
    if not source.is_file():
        raise BadArguments(f"there is no database at {source}")
    if target.is_dir():
        target = target / f"orderdesk-{datetime.now():%Y%m%d-%H%M%S}.sqlite3"
    if not target.parent.is_dir():
        raise BadArguments(f"{target.parent}: no such folder")
    if not os.access(target.parent, os.W_OK):
        raise BadArguments(f"{target.parent}: read-only folder")
    db = Database(source)
    await db.open()
    try:
        info = await db.backup(target)
    finally:
        await db.close()
    print(f"backup of {source} written to {target}: {_described(info)}")
    return 0


def _restore(config: Config, source: Path) -> int:
    """Put a backup in place of the database; the bot must be stopped."""
    database = config.database.path
    info, kept = restore(source, database)
    print(f"restored {source} into {database}: {_described(info)}")
    if kept is not None:
        print(f"the database it replaced is kept as {kept}")
    if info.pending:
        print(f"{info.pending} newer migrations will be applied when the bot starts")
    return 0


def _check(config: Config, path: Path | None) -> int:
    """SQLite's full integrity and foreign key checks of the database (or another file)."""
    health = check_database(path or config.database.path)
    if not health.problems:
        print(
            f"database {health.path}: integrity ok, foreign keys ok; {health.migrations}"
            f" migrations, {health.pages:,} pages, {health.size / 1000:,.0f} kB"
        )
        return 0
    for found in health.problems:
        print(f"  {found}")
    n = len(health.problems)
    raise DatabaseUnusable(health.path, f"{n} problem{'' if n == 1 else 's'} found (listed above)")


def _moment(text: str, config: Config) -> datetime:
    """A moment typed as ISO date and time; without an offset, in the business time zone."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(f"--at: {text!r} is not a time such as '2026-11-24 09:00'") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=config.business.zone)
    return moment


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _why(planned: Planned, zone: ZoneInfo, today: date) -> str:
    """Why a reminder is due, for the operator."""
    since = planned.since
    day = (
        since.astimezone(zone).strftime("%Y-%m-%d %H:%M") if isinstance(since, datetime) else since
    )
    level = planned.level
    if planned.kind in (Kind.PAYMENT, Kind.OVERDUE) and isinstance(since, date):
        late = (today - since).days
        if late < 0:
            return f"instalment {planned.ref} due {day}, in {_days(-late)}"
        if late == 0:
            return f"instalment {planned.ref} due today ({day})"
        return f"instalment {planned.ref} due {day}, {_days(late)} overdue (step {level})"
    if planned.kind is Kind.APPROVAL:
        return f"submitted {day}, undecided (reminder {level})"
    if planned.kind is Kind.SHIP_LATE:
        return f"was to ship by {day}"
    if planned.kind is Kind.DELIVERY:
        step = "late" if level == 1 else "ask to confirm receipt"
        return f"expected {day}, not delivered ({step})"
    return f"daily digest of {day}"


async def _remind(config: Config, at: datetime | None) -> int:
    """Print what the reminder scan would send at a moment, to whom and why; send nothing."""
    from bot.i18n import I18n
    from bot.services import Services
    from bot.ui import reminder_views

    db = Database(config.database.path)
    await db.open()
    try:
        clock: Clock = FixedClock(at) if at else SystemClock()
        services = Services.build(db, config, clock)
        now = clock.now()
        planned = await services.reminders.due_reminders(now)
        zone = config.business.zone
        today = now.astimezone(zone).date()
        i18n = I18n(config.business.currency, zone, carrier_names=config.shipping.carrier_names)
        held = [p for p in planned if p.held_until is not None]
        print(
            f"At {now.astimezone(zone):%Y-%m-%d %H:%M} ({config.business.timezone}):"
            f" {len(planned) - len(held)} to send, {len(held)} held by quiet hours"
            " (dry run: nothing sent, nothing logged)"
        )
        for p in planned:
            r = p.recipient
            order = ""
            outgoing = await services.reminders.preview(p)
            if outgoing is not None and outgoing.order is not None:
                order = f" {outgoing.order.number}"
            state = f"held until {p.held_until:%Y-%m-%d %H:%M %Z}" if p.held_until else "send"
            who = r.name or r.audience.value
            print(
                f"- {state}: {p.kind.value} (level {p.level}){order} → {who}"
                f" [{r.audience.value}, chat {r.chat_id}] — {_why(p, zone, today)}"
            )
            if outgoing is not None:
                t = i18n.texts(r.language, r.time_zone)
                text = reminder_views.render(t, config, outgoing).text
                print("    " + _plain(text.splitlines()[0]))
    finally:
        await db.close()
    return 0


def _day(option: str, text: str | None) -> date:
    if not text:
        raise BadArguments(f"{option} is missing (a day such as 2026-11-01)")
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadArguments(f"{option}: {text!r} is not a day such as 2026-11-01") from None


def _export_args(args: argparse.Namespace) -> tuple[Dataset, ExportPeriod, str, Path | None]:
    """What to export, for which days, in which format, to where; or BadArguments."""
    names = ", ".join(DATASET_NAMES)
    dataset = DATASET_NAMES.get((args.dataset or "").strip().lower())
    if dataset is None:
        raise BadArguments(f"which data? one of {names} (got {args.dataset!r})")
    start, end = _day("--from", args.first), _day("--to", args.last)
    try:
        period = ExportPeriod.of(start, end)
    except InvalidInput:
        raise BadArguments(
            f"--from {start} --to {end}: the period must not end before it starts"
            f" and span at most {MAX_DAYS} days"
        ) from None
    out = Path(args.out) if args.out else None
    fmt = (args.format or (out.suffix.lstrip(".") if out and out.suffix else "xlsx")).lower()
    if fmt not in FORMATS:
        raise BadArguments(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
    return dataset, period, fmt, out


async def _export(
    config: Config, dataset: Dataset, period: ExportPeriod, fmt: str, out: Path | None
) -> int:
    """Write one data set of a period as XLSX or CSV with English headers ("-": stdout)."""
    from bot.i18n import Texts
    from bot.services.exports import ExportService
    from bot.ui import export_files

    business = config.business
    english = Texts(Language.EN, gettext.NullTranslations(), business.currency, business.zone)
    form = export_files.Format(fmt)
    target: Path | IO[bytes] = sys.stdout.buffer
    if out != Path("-"):
        target = out or Path(export_files.name_of(dataset, period, form))
    write = partial(export_files.write_stream, english, fmt=form, out=target)
    db = Database(config.database.path)
    await db.open()
    try:  # streamed: rows written as they are read, whatever their number
        written = await ExportService(db, config, SystemClock()).stream(dataset, period, write)
    finally:
        await db.close()
    rows = f"{written.rows} row{'' if written.rows == 1 else 's'}"
    if written.path is None:
        sys.stdout.buffer.flush()
        print(f"{rows} of {dataset.value} written to standard output", file=sys.stderr)
        return 0
    print(f"{rows} of {dataset.value} ({period.start} to {period.end}) written to {target}")
    return 0


def _plain(html: str) -> str:
    """A message line without its HTML tags, for the terminal."""
    return unescape(re.sub(r"<[^>]+>", "", html))


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `orderdesk` console script."""
    # python-telegram-bot's time periods as timedelta already (its coming default, no warnings).
    os.environ.setdefault("PTB_TIMEDELTA", "1")
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
    remind = sub.add_parser("remind", help="show what the reminder scan would send")
    remind.add_argument(
        "--dry-run", action="store_true", required=True, help="print, send nothing"
    )
    remind.add_argument("--at", help="as if it were this time (e.g. '2026-11-24 09:00')")
    export = sub.add_parser(
        "export", help="orders, order lines, payments or receivables of a period as XLSX or CSV"
    )
    export.add_argument("dataset", nargs="?", help=", ".join(DATASET_NAMES))
    export.add_argument("--from", dest="first", help="first day, e.g. 2026-11-01")
    export.add_argument("--to", dest="last", help="last day (included), e.g. 2026-11-30")
    export.add_argument("--format", help="xlsx (default) or csv")
    export.add_argument("--out", help="file to write (default: orders-20261101-20261130.xlsx)")
    backup = sub.add_parser("backup", help="a consistent copy of the database, bot running or not")
    backup.add_argument("path", type=Path, help="file to write, or a folder for a dated name")
    restore_cmd = sub.add_parser("restore", help="replace the database by a backup (bot stopped)")
    restore_cmd.add_argument("path", type=Path, help="a file written by `orderdesk backup`")
    check = sub.add_parser("check", help="SQLite's full integrity and foreign key checks")
    check.add_argument("path", type=Path, nargs="?", help="another file (default: the database)")
    args = parser.parse_args(argv)
    _logging(args.verbose)
    database: Path | None = None
    try:
        job = _export_args(args) if args.command == "export" else None
        config = load_config(args.config)
        database = config.database.path
        if job is not None:
            return asyncio.run(_export(config, *job))
        if args.command == "run":
            return _run(config)
        if args.command == "migrate":
            return asyncio.run(_migrate(config))
        if args.command == "remind":
            at = _moment(args.at, config) if args.at else None
            return asyncio.run(_remind(config, at))
        if args.command == "backup":
            return asyncio.run(_backup(config, args.path))
        if args.command == "restore":
            return _restore(config, args.path)
        if args.command == "check":
            return _check(config, args.path)
        if not args.file.is_file():
            print(f"orderdesk: {args.file}: no such file", file=sys.stderr)
            return 1
        return asyncio.run(_import(config, args.file))
    except ConfigError as error:
        print(f"orderdesk: configuration error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except BadArguments as error:
        print(f"orderdesk: {args.command}: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except DatabaseUnusable as error:
        print(f"orderdesk: database error: {error}", file=sys.stderr)
        return EXIT_DATABASE
    except sqlite3.Error as error:  # met after opening: a read-only file at the first write
        print(f"orderdesk: database error: {database}: {problem(error)}", file=sys.stderr)
        return EXIT_DATABASE
    except DatabaseInUse as error:
        print(
            f"orderdesk: restore: database {error} is in use (is the bot running? stop it"
            " first); nothing was changed",
            file=sys.stderr,
        )
        return EXIT_DATABASE
    except BackupInvalid as error:
        print(f"orderdesk: {args.command}: {error}", file=sys.stderr)
        return EXIT_REFUSED
    except MissingCatalog as error:
        print(f"orderdesk: {error}", file=sys.stderr)
        return EXIT_REFUSED


if __name__ == "__main__":
    sys.exit(main())
