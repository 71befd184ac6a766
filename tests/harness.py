"""Drive the real OrderDesk Application offline: updates in, the chat as the user sees it out."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.app import build_application
from bot.clock import FixedClock
from bot.config import Config
from bot.handlers.context import App, BotContext
from bot.handlers.outbox import OUTBOX
from bot.runtime.offload import Offload
from sandbox import FakeTelegram, OfflineRequest

DEFAULT_PHONE = "+8613800138000"
# One worker process for the PDFs, charts and exports of every test of the session (a pool per
# Application would start a process, and import reportlab or matplotlib, for each test);
# tests/conftest.py ends it.
SHARED_OFFLOAD = Offload(1)


def own_phone(uid: int) -> str:
    """A phone number nobody else in a test has: made of the Telegram user id."""
    return f"+86139{uid % 10**8:08d}"


class Harness:
    """An OrderDesk Application wired to a FakeTelegram, without network or polling."""

    def __init__(
        self,
        config: Config,
        clock: FixedClock,
        fake: FakeTelegram | None = None,
        *,
        http: bool = False,
    ) -> None:
        """http: talk to the Bot API at config.telegram.base_url (a SandboxServer over `fake`)
        through PTB's own HTTP client instead of in-process."""
        self.config = config
        self.clock = clock
        self.fake = fake or FakeTelegram(clock=lambda: clock.now().timestamp())
        self.http = http
        # None: the application's own worker processes, as many as configured
        self.offload: Offload | None = SHARED_OFFLOAD
        self.app: App | None = None
        self._phones: set[str] = set()  # given at registration: each customer has their own

    async def start(self) -> Harness:
        """Build and initialise the application as `run` would."""
        request = None if self.http else OfflineRequest(self.fake, long_poll=False)
        self.app = build_application(
            self.config, clock=self.clock, request=request, offload=self.offload
        )
        await self.app.initialize()
        if self.app.post_init:
            await self.app.post_init(self.app)
        return self

    async def stop(self) -> None:
        """Write persisted state and shut down, as a graceful stop would."""
        assert self.app is not None
        await self.app.update_persistence()
        await self.app.shutdown()
        if self.app.post_shutdown:
            await self.app.post_shutdown(self.app)
        self.app = None

    async def restart(self) -> None:
        """Stop and start again on the same database."""
        await self.stop()
        await self.start()

    @property
    def context(self) -> BotContext:
        """A callback context as jobs get one (for running the reminder scan by hand)."""
        assert self.app is not None
        return BotContext(self.app)

    def user(self, name: str = "Ann", language: str = "en") -> int:
        """A new Telegram user."""
        return self.fake.create_user(name, language_code=language)

    async def feed(self, update: dict[str, Any]) -> None:
        """Let the application process one update, then deliver the notices it caused (as
        the background sender would, a moment later)."""
        assert self.app is not None
        await self.app.process_update(Update.de_json(update, self.app.bot))
        await self.deliver()

    async def deliver(self) -> int:
        """Deliver every notice due in the outbox now; how many were sent."""
        assert self.app is not None
        return await self.app.bot_data[OUTBOX].drain()

    async def send(self, uid: int, text: str) -> str:
        """The user sends text; returns the newest bot message."""
        await self.feed(self.fake.send_text(uid, text))
        return self.last(uid)

    async def _pressed(self, uid: int, update: dict[str, Any]) -> str:
        """Process a button press; the answer is a new message, else the pressed one edited."""
        newest = self.fake.last_bot_message(uid)
        before = newest["message_id"] if newest else 0
        await self.feed(update)
        if self.last_message(uid)["message_id"] > before:
            return self.last(uid)
        pressed = self.fake.message(uid, update["callback_query"]["message"]["message_id"])
        return str((pressed or {}).get("text") or (pressed or {}).get("caption") or "")

    async def press(self, uid: int, text: str) -> str:
        """The user presses the newest button with this text; returns what it shows."""
        return await self._pressed(uid, self.fake.press(uid, text))

    async def press_data(self, uid: int, data: str, message_id: int | None = None) -> str:
        """The user presses a button with this callback data (forged if no message has it)."""
        target = message_id or self.last_message(uid)["message_id"]
        return await self._pressed(uid, self.fake.press_button(uid, target, data, forge=True))

    async def pay(self, uid: int, message_id: int | None = None) -> dict[str, Any]:
        """The user pays an invoice in chat (the newest, unless told): the bot answers the
        pre-checkout query and, when it says yes, gets the successful payment. Returns how the
        payment went (sandbox/payments.py: state paid, refused with error_message, expired)."""
        await self.feed(self.fake.pay_invoice(uid, message_id))
        checkout = self.fake.checkouts(uid)[-1]
        if checkout["state"] == "paid":
            await self.feed(self.queued(checkout["update_id"]))
        return checkout

    async def connect_business(
        self, uid: int, *, enabled: bool = True, can_reply: bool = True
    ) -> str:
        """The user connects OrderDesk to their Telegram Business account; its id."""
        update = self.fake.business.connect(uid, enabled=enabled, can_reply=can_reply)
        await self.feed(update)
        return str(update["business_connection"]["id"])

    async def business_text(
        self, connection_id: str, uid: int, text: str, *, chat: int | None = None
    ) -> list[dict[str, Any]]:
        """A text in a business chat (a customer's, or the owner's into `chat`); the bot's
        replies there that it caused."""
        chat_id = chat if chat is not None else uid
        before = len(self.fake.business.replies(connection_id, chat_id))
        await self.feed(self.fake.business.write(connection_id, uid, text, chat=chat))
        return self.fake.business.replies(connection_id, chat_id)[before:]

    def queued(self, update_id: int) -> dict[str, Any]:
        """An update the sandbox queued for the bot (and the harness has not fed yet)."""
        return next(u for u in self.fake.pending_updates() if u["update_id"] == update_id)

    def last_message(self, uid: int) -> dict[str, Any]:
        """The newest message the bot shows in the user's chat."""
        message = self.fake.last_bot_message(uid)
        assert message is not None, "the bot has not said anything"
        return message

    def last(self, uid: int) -> str:
        """Text (or caption) of the newest bot message."""
        message = self.last_message(uid)
        return str(message.get("text") or message.get("caption") or "")

    def buttons(self, uid: int) -> list[str]:
        """Inline button texts of the newest bot message, row by row, flattened."""
        return [b for row in self.fake.buttons(self.last_message(uid)) for b in row]

    def alerts(self) -> list[str]:
        """Texts of answered callback queries, oldest first."""
        return [a.get("text") or "" for a in self.fake.callback_answers]

    async def register(
        self,
        uid: int,
        name: str = "Ann Lee",
        phone: str | None = None,
        company: str | None = None,
        address: str = "1 Garden Road, Shanghai",
        start: str = "/start",
    ) -> None:
        """Go through registration (`start` may carry a deep-link payload). Without a phone:
        +8613800138000 for the first customer, a number of their own for each one after."""
        if phone is None:
            phone = DEFAULT_PHONE if not self._phones else own_phone(uid)
        self._phones.add(phone)
        await self.send(uid, start)
        await self.send(uid, name)
        await self.feed(self.fake.send_contact(uid, phone))
        if company:
            await self.send(uid, company)
        else:
            await self.feed(self.fake.press(uid, self.buttons(uid)[0]))
        await self.send(uid, address)
