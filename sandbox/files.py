"""File storage of the fake server: uploads, URL files, file_ids and PhotoSize variants."""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
import struct
from dataclasses import dataclass
from typing import Any

from sandbox.api import JSON, bad_request

Files = dict[str, tuple[str, bytes, str]]
BAD_FILE = "wrong file identifier/HTTP URL specified"


@dataclass
class FileRecord:
    """A file known to the fake server (uploaded, fetched by URL or sent by a user)."""

    kind: str
    content: bytes | None
    url: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    meta: Any = None  # photo: list of PhotoSize dicts; document/sticker: the object dict


def image_size(content: bytes) -> tuple[int, int] | None:
    """Return (width, height) of a PNG/GIF/JPEG/WEBP/BMP image, or None if not an image."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        return struct.unpack(">II", content[16:24])
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        return struct.unpack("<HH", content[6:10])
    if content.startswith(b"BM") and len(content) >= 26:
        width, height = struct.unpack("<ii", content[18:26])
        return abs(width), abs(height)
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return (512, 512)
    if content.startswith(b"\xff\xd8"):
        return _jpeg_size(content) or (800, 600)
    return None


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    """Find the frame size in a JPEG's SOF marker."""
    i = 2
    while i + 9 < len(content):
        if content[i] != 0xFF:
            return None
        marker = content[i + 1]
        length = struct.unpack(">H", content[i + 2 : i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", content[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None


class FileStore:
    """Every file the fake server knows, indexed by file_id."""

    def __init__(self, id_seed: int, *, strict_images: bool = True) -> None:
        self.strict_images = strict_images
        self.broken_urls: set[str] = set()
        self._seed = id_seed
        self._next = 1
        self._by_id: dict[str, FileRecord] = {}
        self._paths: dict[str, str] = {}  # getFile's file_path -> file_id
        self._path_of: dict[str, str] = {}  # file_id -> file_path

    def get(self, file_id: str) -> FileRecord | None:
        """Return the record for a file_id, if known."""
        return self._by_id.get(file_id)

    def add(self, file_id: str, record: FileRecord) -> None:
        """Index an externally built record (e.g. a user's sticker) under file_id."""
        self._by_id[file_id] = record

    def new_ids(self, prefix: str) -> tuple[str, str]:
        """Generate a (file_id, file_unique_id) pair that looks like Telegram's."""
        seed = f"{self._seed}:{self._next}".encode()
        self._next += 1
        digest = base64.urlsafe_b64encode(hashlib.sha256(seed).digest()).decode().rstrip("=")
        return prefix + digest[:48], "AQAD" + digest[-12:]

    def register_photo(
        self, content: bytes | None, url: str | None, size: tuple[int, int]
    ) -> FileRecord:
        """Create a photo file with Telegram-like PhotoSize variants and index every file_id."""
        width, height = size
        longest = max(width, height, 1)
        total = len(content) if content else width * height // 4
        sizes: list[JSON] = []
        for limit in (90, 320, 800, 1280):
            scale = min(1.0, limit / longest)
            file_id, unique = self.new_ids("AgACAgIAAxkDAAI")
            sizes.append(
                {
                    "file_id": file_id,
                    "file_unique_id": unique,
                    "file_size": max(1, int(total * scale * scale)),
                    "width": max(1, round(width * scale)),
                    "height": max(1, round(height * scale)),
                }
            )
            if scale == 1.0:
                break
        record = FileRecord("photo", content, url=url, meta=sizes)
        for photo_size in sizes:
            self._by_id[photo_size["file_id"]] = record
        return record

    def register_document(
        self, content: bytes | None, url: str | None, file_name: str | None, mime: str | None
    ) -> FileRecord:
        """Create a document file record and index its file_id."""
        file_id, unique = self.new_ids("BQACAgIAAxkDAAI")
        document: JSON = {"file_id": file_id, "file_unique_id": unique}
        if file_name:
            document["file_name"] = file_name
        mime = mime or (mimetypes.guess_type(file_name)[0] if file_name else None)
        if mime:
            document["mime_type"] = mime
        document["file_size"] = len(content) if content is not None else 1024
        record = FileRecord("document", content, url=url, file_name=file_name, mime_type=mime)
        record.meta = document
        self._by_id[file_id] = record
        return record

    def register_voice(self, content: bytes, duration: int) -> FileRecord:
        """Create a voice note (OGG/Opus as Telegram keeps them) and index its file_id."""
        file_id, unique = self.new_ids("AwACAgIAAxkBAAI")
        voice: JSON = {
            "file_id": file_id,
            "file_unique_id": unique,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(content),
        }
        record = FileRecord("voice", content, mime_type="audio/ogg", meta=voice)
        self._by_id[file_id] = record
        return record

    def path_for(self, file_id: str) -> str:
        """The file_path getFile gives a known file (stable), e.g. "documents/file_3.csv"."""
        if file_id in self._path_of:
            return self._path_of[file_id]
        record = self._by_id[file_id]
        folder = {
            "photo": "photos",
            "document": "documents",
            "sticker": "stickers",
            "voice": "voice",
        }
        suffixes = {"photo": ".jpg", "sticker": ".webp", "voice": ".oga"}
        suffix = suffixes.get(record.kind, "")
        if record.kind == "document" and record.file_name and "." in record.file_name:
            ext = record.file_name.rsplit(".", 1)[1]
            suffix = f".{ext}" if re.fullmatch(r"[A-Za-z0-9]{1,8}", ext) else ""
        path = f"{folder.get(record.kind, 'files')}/file_{len(self._paths)}{suffix}"
        self._paths[path] = file_id
        self._path_of[file_id] = path
        return path

    def by_path(self, path: str) -> FileRecord | None:
        """The file behind a file_path that getFile gave out."""
        file_id = self._paths.get(path)
        return self._by_id.get(file_id) if file_id else None

    @staticmethod
    def unique_id(record: FileRecord, file_id: str) -> str:
        """The file_unique_id that goes with a file_id."""
        items = record.meta if isinstance(record.meta, list) else [record.meta or {}]
        for item in items:
            if isinstance(item, dict) and item.get("file_id") == file_id:
                return str(item.get("file_unique_id", ""))
        return ""

    def resolve(self, params: JSON, files: Files, kind: str) -> FileRecord:
        """Turn a photo/document parameter (file_id, URL or upload) into a file record."""
        value = params.get(kind)
        upload = None
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request(f"file {value} not found in the request")
        elif value is None:
            upload = files.get(kind)
        if upload is not None:
            file_name, content, mime = upload
            if not content:
                raise bad_request("file must be non-empty")
            if kind == "document":
                return self.register_document(content, None, file_name, mime)
            size = image_size(content)
            if size is None:
                if self.strict_images:
                    raise bad_request("IMAGE_PROCESS_FAILED")
                size = (800, 600)
            return self.register_photo(content, None, size)
        if not value or not isinstance(value, str):
            raise bad_request(f"there is no {kind} in the request")
        if re.match(r"(?i)https?://", value):
            if value in self.broken_urls:
                raise bad_request("failed to get HTTP URL content")
            if kind == "document":
                name = value.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or "file"
                return self.register_document(None, value, name, None)
            return self.register_photo(None, value, (1280, 720))
        record = self._by_id.get(value)
        if record is None:
            raise bad_request(BAD_FILE)
        if record.kind != kind:
            raise bad_request("type of file mismatch")
        return record
