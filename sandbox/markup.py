"""Validation of reply_markup: inline keyboards, reply keyboards, removal and force-reply."""

from __future__ import annotations

import copy
import re
from typing import Any

from sandbox.api import JSON, bad_request, json_param

INLINE_BUTTON_KINDS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
    "web_app",
)


def parse_reply_markup(params: JSON, *, inline_only: bool = False) -> tuple[str, JSON] | None:
    """Parse and validate reply_markup; return (kind, normalised markup) or None."""
    raw = json_param(params, "reply_markup")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in raw:
        return "inline", {"inline_keyboard": inline_rows(raw["inline_keyboard"])}
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in raw:
        return "keyboard", reply_keyboard_markup(raw)
    if raw.get("remove_keyboard"):
        return "remove", copy.deepcopy(raw)
    if raw.get("force_reply"):
        return "force_reply", copy.deepcopy(raw)
    raise bad_request("can't parse reply keyboard markup JSON object")


def inline_rows(rows: Any) -> list[list[JSON]]:
    """Validate an inline keyboard's rows of buttons."""
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard markup: expected an Array of Arrays")
    result = []
    for row in rows:
        clean_row = []
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request("can't parse inline keyboard button: Text must be a String")
            kinds = [k for k in INLINE_BUTTON_KINDS if button.get(k) is not None]
            if not kinds:
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            if len(kinds) > 1:
                raise bad_request(
                    "can't parse inline keyboard button: exactly one of "
                    f"{', '.join(kinds)} must be specified"
                )
            if not button["text"].strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            data = button.get("callback_data")
            if data is not None and not (
                isinstance(data, str) and 1 <= len(data.encode("utf-8")) <= 64
            ):
                raise bad_request("BUTTON_DATA_INVALID")
            url = button.get("url")
            if url is not None and not re.match(r"(?i)(https?|tg)://\S+$", str(url)):
                raise bad_request("BUTTON_URL_INVALID")
            clean_row.append(copy.deepcopy(button))
        if clean_row:
            result.append(clean_row)
    return result


def reply_keyboard_markup(raw: JSON) -> JSON:
    """Validate a ReplyKeyboardMarkup, normalising string buttons to KeyboardButton dicts."""
    rows = raw["keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse keyboard markup: field must be an Array of Arrays")
    keyboard = []
    for row in rows:
        clean_row = []
        for button in row:
            button = {"text": button} if isinstance(button, str) else button
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request("can't parse keyboard button: Text must be a String")
            if not button["text"].strip():
                raise bad_request("keyboard button text must be non-empty")
            clean_row.append(copy.deepcopy(button))
        if clean_row:
            keyboard.append(clean_row)
    return {**copy.deepcopy(raw), "keyboard": keyboard}
