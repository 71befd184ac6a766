"""The yardstick for benchmarks/throughput.py: a bare python-telegram-bot echo bot (every text
answered with itself), polling a Bot API server the way OrderDesk does. With --raw, no PTB at
all: a loop of getUpdates and sendMessage over one keep-alive connection, which shows what the
sandbox itself can serve."""

from __future__ import annotations

import argparse
import asyncio
import os

import httpx
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

TOKEN = "123456:ECHO-TOKEN-NOT-SECRET"


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a text with itself."""
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text)


def ptb(base_url: str) -> None:
    """The echo bot: PTB's defaults, long polling, no persistence, no rate limiter."""
    app = Application.builder().token(TOKEN).base_url(f"{base_url}/bot").build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY])


async def raw(base_url: str) -> None:
    """getUpdates and sendMessage in a loop, nothing else (stops when killed)."""
    api = f"{base_url}/bot{TOKEN}"
    offset = 0
    async with httpx.AsyncClient(timeout=60) as http:
        while True:
            got = await http.post(f"{api}/getUpdates", json={"offset": offset, "timeout": 10})
            for update in got.json()["result"]:
                offset = update["update_id"] + 1
                message = update.get("message") or {}
                if message.get("text"):
                    chat = message["chat"]["id"]
                    await http.post(
                        f"{api}/sendMessage", json={"chat_id": chat, "text": message["text"]}
                    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("base_url", help="the Bot API server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--raw", action="store_true", help="no PTB: the sandbox's own ceiling")
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    if args.raw:
        asyncio.run(raw(args.base_url))
    else:
        ptb(args.base_url)
