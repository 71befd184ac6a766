"""OrderDesk sandbox: an in-memory Telegram Bot API (FakeTelegram) and a PTB adapter for it."""

from sandbox.offline import OfflineRequest
from sandbox.telegram import FakeTelegram

__all__ = ["FakeTelegram", "OfflineRequest"]
