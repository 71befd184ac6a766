"""People who talk to the bot: recognised on every update, with their language."""

from __future__ import annotations

from bot.domain.models import Language, User
from bot.domain.parsing import clean_text
from bot.services.base import Service


class UserService(Service):
    """Identify users and keep their language."""

    async def identify(
        self,
        telegram_id: int,
        first_name: str,
        username: str | None,
        language_code: str | None,
        *,
        present: bool = True,
    ) -> User:
        """The user behind a Telegram account, recorded on first contact. `present`: they
        wrote or pressed something, so they can be reached again if they had blocked the bot."""
        async with self.db.reader() as uow:
            user = await uow.users.by_telegram_id(telegram_id)
        if user is not None and user.unreachable and present:
            async with self.db.unit_of_work(claims_update=False) as uow:
                await uow.users.set_unreachable(user.id, None)
                await uow.commit()
            return user.model_copy(update={"unreachable": False})
        if user is not None:
            return user
        language = Language.from_telegram(language_code, self.config.business.default_language)
        # Meeting someone is not what their update is for: it must not count as applying it.
        async with self.db.unit_of_work(claims_update=False) as uow:
            user = await uow.users.by_telegram_id(telegram_id)
            if user is None:
                # Telegram names are anyone's choice: no bidi overrides or zero-width tricks.
                name = clean_text(first_name)[:64]
                user = await uow.users.insert(
                    telegram_id, name, username, language, self.clock.now()
                )
                await uow.commit()
        return user

    async def set_language(self, user: User, language: Language) -> User:
        """Change the language a user is spoken to in."""
        async with self.db.unit_of_work() as uow:
            await uow.users.set_language(user.id, language)
            await uow.commit()
        return user.model_copy(update={"language": language})

    async def set_time_zone(self, user: User, zone: str | None) -> User:
        """Show this person times in a zone (None: the business's); quiet hours follow it."""
        async with self.db.unit_of_work() as uow:
            await uow.users.set_time_zone(user.id, zone)
            await uow.commit()
        return user.model_copy(update={"time_zone": zone})
