"""Order intake: a photo, a forwarded file or a voice note read into text lines, and those lines
read by the quick order exactly as typed lines are (same parser, same matcher, unsure names
asked, never guessed). Nothing is added here: the quick order's review does that."""

from __future__ import annotations

import asyncio

from bot.domain.errors import InputProblem, InvalidInput
from bot.domain.intake import (
    IntakeProblem,
    IntakeRefused,
    Medium,
    check_size,
    file_lines,
    file_type,
    text_lines,
)
from bot.domain.models import User
from bot.domain.product_match import MatchKind
from bot.services.base import Service, require_customer
from bot.services.intake.ocr import Tesseract
from bot.services.intake.voice import transcribe
from bot.services.quick_order import QuickOrderService, QuickView

# The quick order's "nothing readable" answers: from a medium they mean no order lines in it.
_NOTHING = (InputProblem.QUICK_EMPTY, InputProblem.QUICK_NO_PRODUCT)


class IntakeService(Service):
    """Photos, files and voice notes of customers into a quick order to review."""

    async def admit(
        self,
        user: User,
        medium: Medium,
        size: int | None,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> None:
        """Before anything is downloaded: a customer (else NotRegistered); a file no larger
        than intake.max_file_mb (Telegram tells the size) and of a type we read; a voice note
        only with a speech command configured."""
        async with self.db.reader() as uow:
            await require_customer(uow, user)
        check_size(size, self.config.intake.max_bytes, medium)
        if medium is Medium.FILE:
            file_type(file_name, mime_type)
        if medium is Medium.VOICE and not self.config.intake.voice_command:
            raise IntakeRefused(IntakeProblem.NO_VOICE, medium)

    async def photo(self, user: User, content: bytes) -> QuickView:
        """A photo of an order list, read by OCR."""
        check_size(len(content), self.config.intake.max_bytes, Medium.PHOTO)
        lines = await Tesseract(self.config.intake).lines(content)
        return await self._understand(user, lines, Medium.PHOTO)

    async def file(
        self, user: User, file_name: str | None, mime_type: str | None, content: bytes
    ) -> QuickView:
        """A purchase order forwarded as a PDF, spreadsheet, CSV or text file."""
        check_size(len(content), self.config.intake.max_bytes, Medium.FILE)
        lines = await asyncio.to_thread(file_lines, file_name, mime_type, content)
        return await self._understand(user, lines, Medium.FILE)

    async def voice(self, user: User, content: bytes) -> QuickView:
        """A voice note, through the operator's speech-to-text command."""
        check_size(len(content), self.config.intake.max_bytes, Medium.VOICE)
        transcript = await transcribe(self.config.intake, content)
        return await self._understand(user, text_lines(transcript), Medium.VOICE)

    async def _understand(self, user: User, lines: list[str], medium: Medium) -> QuickView:
        """The lines as the quick order reads typed ones; none naming a product: NO_LINES."""
        if not lines:
            raise IntakeRefused(IntakeProblem.NO_LINES, medium)
        quick = QuickOrderService(self.db, self.config, self.clock)
        try:
            view = await quick.understand(user, "\n".join(lines))
        except InvalidInput as error:
            if error.problem in _NOTHING:
                raise IntakeRefused(IntakeProblem.NO_LINES, medium) from None
            raise
        if all(line.kind is MatchKind.NOT_FOUND for line in view.order.lines):
            raise IntakeRefused(IntakeProblem.NO_LINES, medium)
        return view
