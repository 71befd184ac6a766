"""Shared set-ups of the reliability and security tests."""

from __future__ import annotations

from pathlib import Path

from bot.clock import FixedClock
from tests.conftest import make_config
from tests.conversations.conftest import ADMIN, Team, _grant
from tests.harness import Harness


async def make_team(
    db_path: Path,
    clock: FixedClock,
    *,
    names: tuple[str, str, str, str] = ("Sam", "Mia", "Wu", "Fay"),
    register: bool = False,
) -> Team:
    """A started offline bot with a rep, a manager, the warehouse and finance (Telegram names
    as given) and a customer user (registered as Ann Lee if `register`), as the `team` fixture
    of tests/conversations has them."""
    config = make_config(
        db_path,
        business={"admins": [ADMIN]},
        review={"manager_threshold": "1000.00", "auto_approve_limit": "200.00"},
        shipping={"carriers": ["SF Express", "JD Logistics"]},
    )
    bot = await Harness(config, clock).start()
    rep, manager, warehouse, finance = (bot.user(name) for name in names)
    for uid, role in (
        (rep, "sales_rep"),
        (manager, "sales_manager"),
        (warehouse, "warehouse"),
        (finance, "finance"),
    ):
        await _grant(bot, uid, role)
    customer = bot.user("Ann")
    if register:
        await bot.register(customer)
    return Team(bot, rep, manager, manager, warehouse, finance, customer)
