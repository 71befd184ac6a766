"""Forged button data with digits int() refuses ("²", "𐩀"), control and invisible characters
or past 64 bytes is an expired button to the person, never an error."""

from __future__ import annotations

import logging

import pytest

from tests.conversations.conftest import Team

FORGED = [
    "cus:v:²",
    "cus:v:𐩀",
    "apv:ok:¹",
    "fin:rm:1:²",
    "rfd:o:²",
    "stf:o:٣٣",
    "apv:ap:1:2026\u200b1201",
    "rpt:v:s:20261101:2026113²",
    "exp:f:orders:20261101:20261130:\x00",
    "cat:" + "9" * 80,
]


@pytest.mark.parametrize("data", FORGED)
async def test_forged_buttons_are_expired_not_errors(
    team: Team, data: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    bot = team.bot
    await bot.send(team.manager, "/help")
    await bot.press_data(team.manager, data)
    assert "This button has expired" in bot.alerts()[-1]
    assert "something went wrong" not in bot.last(team.manager)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
