"""Telegram-style HTML parse_mode: validate markup and turn it into plain text + entities."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
SUPPORTED_TAGS = set(SIMPLE_TAGS) | {"span", "a", "blockquote", "tg-emoji"}
NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


class EntityParseError(ValueError):
    """Raised when text is not valid Telegram HTML; str(exc) is Telegram's reason text."""


def utf16_len(text: str) -> int:
    """Return the length of text in UTF-16 code units, as Telegram counts entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    """A start tag waiting for its end tag."""

    tag: str
    offset: int
    attrs: dict[str, str] = field(default_factory=dict)
    seq: int = 0


def _byte_offset(text: str, index: int) -> int:
    """Return the UTF-8 byte offset of the character at index, for error messages."""
    return len(text[:index].encode("utf-8"))


def _decode_entity(text: str, i: int) -> tuple[str, int] | None:
    """Decode an HTML entity starting at text[i] == '&'; return (char, next_index) or None."""
    end = text.find(";", i + 1, i + 12)
    if end == -1:
        return None
    body = text[i + 1 : end]
    if body in NAMED_ENTITIES:
        return NAMED_ENTITIES[body], end + 1
    if body.startswith("#"):
        digits, base = (body[2:], 16) if body[1:2] in ("x", "X") else (body[1:], 10)
        try:
            code = int(digits, base)
        except ValueError:
            return None
        if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
            return chr(code), end + 1
    return None


def _parse_attrs(text: str, i: int, tag: str, tag_start: int) -> tuple[dict[str, str], int]:
    """Parse attributes of a start tag from text[i]; return (attrs, index after '>')."""
    attrs: dict[str, str] = {}
    n = len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise EntityParseError(
                f'Unclosed start tag "{tag}" at byte offset {_byte_offset(text, tag_start)}'
            )
        if text[i] == ">":
            return attrs, i + 1
        start = i
        while i < n and text[i] in NAME_CHARS:
            i += 1
        name = text[start:i].lower()
        if not name:
            raise EntityParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {_byte_offset(text, i)}'
            )
        while i < n and text[i].isspace():
            i += 1
        if i < n and text[i] != "=":
            attrs[name] = ""  # attribute without a value, e.g. <blockquote expandable>
            continue
        if i >= n:
            continue
        i += 1
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            continue
        value_chars: list[str] = []
        if text[i] in "\"'":
            quote = text[i]
            i += 1
            while i < n and text[i] != quote:
                if text[i] == "&":
                    decoded = _decode_entity(text, i)
                    if decoded:
                        value_chars.append(decoded[0])
                        i = decoded[1]
                        continue
                value_chars.append(text[i])
                i += 1
            if i >= n:
                raise EntityParseError(
                    f'Unclosed start tag "{tag}" at byte offset {_byte_offset(text, tag_start)}'
                )
            i += 1
        else:
            while i < n and not text[i].isspace() and text[i] != ">":
                value_chars.append(text[i])
                i += 1
        attrs[name] = "".join(value_chars)


def _make_entity(opened: _Open, end: int) -> dict[str, Any] | None:
    """Build the MessageEntity dict for a closed tag, or None if the tag yields no entity."""
    length = end - opened.offset
    base: dict[str, Any] = {"offset": opened.offset, "length": length, "_seq": opened.seq}
    tag, attrs = opened.tag, opened.attrs
    if tag in SIMPLE_TAGS:
        entity = {"type": SIMPLE_TAGS[tag], **base}
        if tag == "code" and attrs.get("class", "").startswith("language-"):
            entity["_language"] = attrs["class"][len("language-") :]
        return entity
    if tag == "span":
        return {"type": "spoiler", **base}
    if tag == "a":
        href = attrs.get("href", "")
        return {"type": "text_link", **base, "url": href} if href else None
    if tag == "blockquote":
        kind = "expandable_blockquote" if "expandable" in attrs else "blockquote"
        return {"type": kind, **base}
    if tag == "tg-emoji":
        return {"type": "custom_emoji", **base, "custom_emoji_id": attrs["emoji-id"]}
    return None


def _check_start_tag(tag: str, attrs: dict[str, str], text: str, at: int) -> None:
    """Reject start tags Telegram does not support."""
    if tag not in SUPPORTED_TAGS:
        raise EntityParseError(
            f'Unsupported start tag "{tag}" at byte offset {_byte_offset(text, at)}'
        )
    if tag == "span" and attrs.get("class") != "tg-spoiler":
        raise EntityParseError(
            f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(text, at)}'
        )
    if tag == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
        raise EntityParseError(
            f'Tag "tg-emoji" must have a numeric "emoji-id" at byte offset '
            f"{_byte_offset(text, at)}"
        )


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into (plain_text, entities) with UTF-16 offsets; strict on '<'/'&'."""
    out: list[str] = []
    out_len = 0  # UTF-16 length of the text produced so far
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    opened_count = 0
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch == "&":
            decoded = _decode_entity(source, i)
            if decoded is None:
                raise EntityParseError(
                    'Unsupported HTML entity or unescaped "&" at byte offset '
                    f"{_byte_offset(source, i)}"
                )
            out.append(decoded[0])
            out_len += utf16_len(decoded[0])
            i = decoded[1]
            continue
        if ch != "<":
            out.append(ch)
            out_len += utf16_len(ch)
            i += 1
            continue
        tag_start = i
        if source.startswith("</", i):
            j = i + 2
            while j < n and source[j] in NAME_CHARS:
                j += 1
            tag = source[i + 2 : j].lower()
            while j < n and source[j].isspace():
                j += 1
            if j >= n or source[j] != ">":
                raise EntityParseError(
                    f"Unclosed end tag at byte offset {_byte_offset(source, tag_start)}"
                )
            if not stack:
                raise EntityParseError(
                    f"Unexpected end tag at byte offset {_byte_offset(source, tag_start)}"
                )
            if stack[-1].tag != tag:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(source, tag_start)}, "
                    f'expected "</{stack[-1].tag}>", found "</{tag}>"'
                )
            opened = stack.pop()
            entity = _make_entity(opened, out_len)
            if entity is not None:
                entities.append(entity)
            i = j + 1
            continue
        j = i + 1
        while j < n and source[j] in NAME_CHARS:
            j += 1
        tag = source[i + 1 : j].lower()
        if not tag:
            raise EntityParseError(
                f'Unsupported start tag "" at byte offset {_byte_offset(source, tag_start)}'
            )
        attrs, i = _parse_attrs(source, j, tag, tag_start)
        _check_start_tag(tag, attrs, source, tag_start)
        opened_count += 1
        stack.append(_Open(tag, out_len, attrs, opened_count))
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[0].tag}"')
    return _finish("".join(out), _merge_pre_code(entities))


def _merge_pre_code(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fold <pre><code class="language-x"> into one pre entity with a language."""
    result: list[dict[str, Any]] = []
    for entity in entities:
        language = entity.pop("_language", None)
        if entity["type"] == "pre" and result:
            inner = result[-1]
            same_span = (inner["offset"], inner["length"]) == (entity["offset"], entity["length"])
            if inner["type"] == "code" and same_span:
                result.pop()
                if inner.get("language"):
                    entity["language"] = inner["language"]
        if language and entity["type"] == "code":
            entity["language"] = language
        result.append(entity)
    for entity in result:
        if entity["type"] == "code":
            entity.pop("language", None)
    return result


def strip_formatted(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Trim surrounding whitespace like Telegram, clipping entities and dropping empty ones."""
    stripped = text.strip()
    if not stripped:
        return "", []
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    result = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


def _finish(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip the text and sort entities by offset, outer (earlier opened) entities first."""
    text, entities = strip_formatted(text, entities)
    entities.sort(key=lambda e: (e["offset"], -e["length"], e["_seq"]))
    for entity in entities:
        del entity["_seq"]
    return text, entities
