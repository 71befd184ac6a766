"""A person places an order through the sandbox's web chat in headless Chromium."""

from __future__ import annotations

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
