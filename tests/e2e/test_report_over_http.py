"""/report's chart over real HTTP: PTB uploads the PNG to the sandbox server as multipart form
data, and the chat shows it as a photo."""

from __future__ import annotations

from sandbox.client import SandboxClient
from tests.conversations.conftest import Team
from tests.conversations.test_fulfilment import approved_order
from tests.e2e.test_reminders_over_http import http_team  # noqa: F401  (the fixture)


async def test_the_sales_chart_is_uploaded_as_a_photo(
    http_team: tuple[Team, SandboxClient],  # noqa: F811
) -> None:
    team, _ = http_team
    bot = team.bot
    await approved_order(team)
    await bot.send(team.manager, "/report")
    await bot.press(team.manager, "Today")
    caption = await bot.press(team.manager, "📈 Sales by day (chart)")
    assert "Sales Nov 23, 2026: CN¥235.00 from 1 order" in caption
    photo = bot.last_message(team.manager)["photo"]
    content = bot.fake.file_content(photo[-1]["file_id"])
    assert content is not None and content.startswith(b"\x89PNG\r\n\x1a\n")
    assert (photo[-1]["width"], photo[-1]["height"]) == (960, 540)
