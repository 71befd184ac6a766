"""A person places an order through the sandbox's web chat in headless Chromium; six people
chat at once, one per tab of one browser."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import Stack

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is missing: run `make browser` as root"
)


async def test_order_through_the_web_chat(stack: Stack) -> None:
    from playwright.async_api import async_playwright, expect

    user = await stack.client.create_user(first_name="Wendy", language_code="en", label="Customer")
    uid = user["id"]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = await browser.new_page(viewport={"width": 1200, "height": 800})
            await page.goto(f"{stack.server.url}/#user={uid}")
            composer = page.get_by_test_id("composer")
            last = page.get_by_test_id("message").last

            async def say(text: str, expect_text: str) -> None:
                await composer.fill(text)
                await composer.press("Enter")
                await expect(last).to_contain_text(expect_text)

            async def tap(button: str, expect_text: str) -> None:
                await (
                    page.get_by_test_id("inline-button")
                    .filter(has_text=re.compile(f"^{re.escape(button)}$"))
                    .last.click()
                )
                await expect(last).to_contain_text(expect_text)

            await say("/start", "What is your name?")
            await say("Wendy Wu", "Your phone number?")
            await page.get_by_test_id("reply-button").filter(has_text="Share my phone").click()
            await expect(last).to_contain_text("company name")
            await tap("Skip — I buy for myself", "delivery address")
            await say("5 Harbour Street, Hong Kong", "You are registered")
            await say("/catalog", "Choose a category")
            await tap("Office supplies (3)", "Choose a product")
            await tap("Stapler No. 24/6 · CN¥35.00", "SKU: STP-24")
            await tap("+1", "In your cart: 1")
            await tap("🛒 Cart", "1 × CN¥35.00")
            await tap("✅ Check out", "how should we deliver")
            await tap("Pick up at our warehouse · CN¥0.00", "When would you like it?")
            await tap("No preference", "How would you like to pay?")
            await tap("Prepaid (we ship after payment)", "Any note")
            await tap("Skip", "Please check your order")
            await tap("✅ Confirm order", "is submitted, total CN¥35.00")
            await page.screenshot(path=str(Path(stack.config).parent / "web-chat.png"))
        finally:
            await browser.close()


TABS = 6
ANSWER_MS = 10_000  # a tab that queues behind the others' long polls waited up to 25 s


async def test_six_tabs_each_answered_and_back_after_a_dropped_connection(stack: Stack) -> None:
    """The README invites one person per tab. One browser (one profile) shares six HTTP/1.1
    connections to the host among its tabs: a tab must not hold one open waiting for news."""
    from playwright.async_api import Page, async_playwright, expect

    people = [
        int((await stack.client.create_user(first_name=f"Tab{n}", language_code="en"))["id"])
        for n in range(TABS)
    ]

    async def say(page: Page, text: str, answer: str) -> None:
        composer = page.get_by_test_id("composer")
        await composer.fill(text)
        await composer.press("Enter")
        await expect(page.get_by_test_id("message").last).to_contain_text(
            answer, timeout=ANSWER_MS
        )

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            context = await browser.new_context(viewport={"width": 1000, "height": 700})
            pages = []
            for uid in people:
                page = await context.new_page()
                await page.goto(f"{stack.server.url}/#user={uid}")
                await expect(page.get_by_test_id("composer")).to_be_enabled()
                pages.append(page)
            await asyncio.sleep(1)  # every tab open and idle, waiting for news
            await asyncio.gather(*(say(page, "/start", "What is your name?") for page in pages))
            await asyncio.gather(
                *(say(page, f"Person {n}", "Your phone number?") for n, page in enumerate(pages))
            )

            assert await stack.server.close_live() == TABS  # e.g. the sandbox restarted
            for page in pages:
                await expect(page.get_by_test_id("connection")).to_be_hidden(timeout=ANSWER_MS)
            await asyncio.gather(
                *(
                    say(page, f"+1 202 555 01{10 + n}", "company name")
                    for n, page in enumerate(pages)
                )
            )
        finally:
            await browser.close()
    for n, uid in enumerate(people):
        chat = await stack.client.chat(uid)
        mine = [m.get("text") for m in chat["messages"] if not m.get("outgoing")]
        assert mine == ["/start", f"Person {n}", f"+1 202 555 01{10 + n}"]
        told = " ".join(str(m.get("text")) for m in chat["messages"] if m.get("outgoing"))
        assert "What is your name?" in told and "company name" in told
