"""Reliability and security tests reuse the conversation fixtures (offline Application, team)
and the end-to-end stack (the real bot process against the sandbox server); `running` is the
real process that tests kill, stop and start again (process.py)."""

from tests.conversations.conftest import ann, bot, team
from tests.e2e.conftest import stack
from tests.reliability.process import running

__all__ = ["ann", "bot", "running", "stack", "team"]
