"""A batch upload over real HTTP: the file goes in through the sandbox's control API, and the bot
fetches it with getFile and the file download URL (`base_file_url`), as from Telegram."""

from __future__ import annotations

from sandbox.client import SandboxClient
from tests.conversations.conftest import Team, query
from tests.e2e.test_reminders_over_http import http_team

__all__ = ["http_team"]

CSV = (
    b"customer,sku,qty,delivery,address,payment_term,note,order_ref\n"
    b"+8613800138000,STP-24,5,courier,,cod,,A\n"
    b"+8613800138000,NOPE,1,courier,,cod,,B\n"
)


async def test_upload_check_and_create_over_http(http_team: tuple[Team, SandboxClient]) -> None:
    team, client = http_team
    rep = team.rep
    await team.bot.send(rep, "/batch")
    update = await client.document(rep, "orders.csv", CSV, mime_type="text/csv")
    assert update is not None
    await team.bot.feed(team.bot.fake.pending_updates()[-1])
    chat = await client.wait_for(rep, "1 valid order")
    assert "Row 3: no product has the SKU “NOPE”" in chat["message"]["text"]
    assert (await client.calls("getFile"))[0]["params"]["file_id"]
    await team.bot.press(rep, "✅ Create the 1 valid order")
    assert await query(team.bot, "SELECT COUNT(*), MIN(batch_id) FROM orders") == [(1, 1)]
