"""Shared Bot API plumbing: the JSON alias, ApiError and parameter coercion helpers."""

from __future__ import annotations

import json
import re
from typing import Any

JSON = dict[str, Any]


class ApiError(Exception):
    """A Bot API failure carrying Telegram's error_code, description and optional parameters."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> JSON:
        """Return the JSON body Telegram would answer with."""
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = dict(self.parameters)
        return body


def bad_request(reason: str) -> ApiError:
    """Build a 400 error with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {reason}")


def as_int(value: Any, what: str) -> int:
    """Coerce a JSON/form value to int or fail like Telegram's parameter parser."""
    if isinstance(value, bool):
        raise bad_request(f"invalid {what} specified")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    raise bad_request(f"invalid {what} specified")


def as_bool(value: Any) -> bool:
    """Interpret a JSON/form boolean."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)


def json_param(params: JSON, key: str) -> Any:
    """Return a parameter that may arrive as an object or as a JSON string."""
    value = params.get(key)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {key} JSON object") from None
    return value
