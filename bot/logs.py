"""Logs never show the bot token, nor customers' phone numbers or what they typed.

Installed once per process as a log record factory, so every record of every library is
cleaned before any handler (console, pytest's capture, journald) sees it:
- the token, and its secret part on its own, become `<token>` (PTB logs the Bot API URL, which
  holds it, and network errors may quote a URL);
- python-telegram-bot's DEBUG dumps of whole updates and Bot API calls, which carry contacts,
  addresses and every text, are cut down to the update id or the method name, and aiosqlite's
  dumps of SQL calls to the SQL without its values;
- anything left that looks like a phone number (+ and 7 to 15 digits, or 11 to 15 digits in
  a row) becomes `<phone>`.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable
from typing import Any

TOKEN_MASK = "<token>"
PHONE_MASK = "<phone>"
_PHONE = re.compile(r"(?<![\w+-])(?:\+\d{7,15}|\d{11,15})(?![\w-])")


def _update_id(args: Any) -> tuple[object, ...]:
    update = args[0] if isinstance(args, tuple) and args else args
    return (getattr(update, "update_id", "?"),)


def _endpoint(args: Any) -> tuple[object, ...]:
    return (args[0] if isinstance(args, tuple) and args else "?",)


def _statement(args: Any) -> tuple[object, ...]:
    """aiosqlite's call (a functools.partial): the method and its SQL, not the values."""
    call = args[0] if isinstance(args, tuple) and args else args
    name = getattr(getattr(call, "func", None), "__name__", "call")
    sql = next((a for a in getattr(call, "args", ()) if isinstance(a, str)), "")
    return (f"{name} {' '.join(sql.split())[:200]}".rstrip(),)


# Messages of python-telegram-bot and aiosqlite that dump user content (whole updates, Bot API
# parameters, SQL parameters), and what is kept of them.
_DUMPS: dict[str, tuple[str, Callable[[Any], tuple[object, ...]]]] = {
    "executing %s": ("executing %s", _statement),
    "operation %s completed": ("operation %s completed", _statement),
    "Processing update %s": ("Processing update %s", _update_id),
    "Dropping pending update: %s": ("Dropping pending update %s", _update_id),
    "Calling Bot API endpoint `%s` with parameters `%s`": (
        "Calling Bot API endpoint `%s`",
        _endpoint,
    ),
    "Call to Bot API endpoint `%s` finished with return value `%s`": (
        "Call to Bot API endpoint `%s` finished",
        _endpoint,
    ),
}


class _Redactor:
    """The secrets to mask, and the record factory that masks them."""

    def __init__(self, previous: Callable[..., logging.LogRecord]) -> None:
        self.previous = previous
        self.secrets: set[str] = set()

    def redact(self, text: str) -> str:
        """The text with every secret and phone number masked."""
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, TOKEN_MASK)
        return _PHONE.sub(PHONE_MASK, text)

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.previous(*args, **kwargs)
        try:
            self._clean(record)
        except Exception:  # a log line must never break the bot
            record.msg, record.args = "(a log message could not be made safe)", ()
            record.exc_info = record.exc_text = None
        return record

    def _clean(self, record: logging.LogRecord) -> None:
        if record.name.startswith(("telegram", "aiosqlite")) and isinstance(record.msg, str):
            dump = _DUMPS.get(record.msg)
            if dump is not None:
                record.msg, record.args = dump[0], dump[1](record.args)
        message = record.getMessage()
        record.msg, record.args = self.redact(message), ()
        if record.exc_info and not record.exc_text:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text = self.redact(text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)


def protect_logs(token: str = "") -> None:
    """Mask this token (and its secret part) and phone numbers in every log record from now
    on; safe to call again (each token is added)."""
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _Redactor):
        factory = _Redactor(factory)
        logging.setLogRecordFactory(factory)
    if token:
        factory.secrets.add(token)
        _, _, secret = token.partition(":")
        if len(secret) >= 8:
            factory.secrets.add(secret)
