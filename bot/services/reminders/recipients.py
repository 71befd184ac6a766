"""Who gets a reminder: the customer's private chat, their rep (else the managers), or a role's
group chat (else each person holding the role)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from bot.config import Config
from bot.db import UnitOfWork
from bot.db.reminders import Contact, Logged
from bot.domain.access import deciders, is_rep
from bot.domain.models import Language, User
from bot.domain.reminders import Audience
from bot.domain.review import Route
from bot.domain.roles import Role
from bot.services.review_rules import admin_ids

ROLE_OF = {
    Audience.FINANCE: Role.FINANCE,
    Audience.MANAGERS: Role.SALES_MANAGER,
    Audience.WAREHOUSE: Role.WAREHOUSE,
}


class Recipient(BaseModel):
    """A chat a reminder goes to: a person's private chat, or a role's group (and topic)."""

    model_config = ConfigDict(frozen=True)

    chat_id: int
    topic_id: int = 0
    user_id: int | None = None
    name: str
    language: Language
    time_zone: str | None = None
    audience: Audience
    unreachable: bool = False


class Unreachable(Exception):
    """The person a logged reminder is for can no longer be written to (for now)."""


@dataclass
class Directory:
    """Staff chats, looked up once per scan: each audience's, and each rep's by user id
    (empty: that user is no longer a rep)."""

    by_audience: dict[Audience, list[Recipient]] = field(default_factory=dict)
    by_rep: dict[int, list[Recipient]] = field(default_factory=dict)


def person(user: User, audience: Audience) -> Recipient:
    """A person's private chat."""
    return Recipient(
        chat_id=user.telegram_id,
        user_id=user.id,
        name=user.first_name,
        language=user.language,
        time_zone=user.time_zone,
        audience=audience,
        unreachable=user.unreachable,
    )


async def recipients(
    uow: UnitOfWork,
    config: Config,
    audience: Audience,
    contact: Contact | None,
    rep_id: int | None,
    directory: Directory,
) -> list[Recipient]:
    """The chats an audience means for one reminder: the customer of `contact`; the rep
    `rep_id` (else the customer's rep, else the managers); or a role's chats."""
    if audience is Audience.CUSTOMER:
        if contact is None:
            return []
        return [
            Recipient(
                chat_id=contact.telegram_id,
                user_id=contact.user_id,
                name=contact.name,
                language=contact.language,
                time_zone=contact.time_zone,
                audience=audience,
                unreachable=contact.unreachable,
            )
        ]
    if audience is Audience.REP:
        rep = rep_id or (contact.rep_id if contact else None)
        if rep and rep not in directory.by_rep:
            user = await uow.users.by_id(rep)
            held = user is not None and is_rep(await uow.staff.roles(user.id))
            directory.by_rep[rep] = [person(user, audience)] if user is not None and held else []
        if rep and directory.by_rep[rep]:
            return directory.by_rep[rep]
        audience = Audience.MANAGERS  # nobody looks after this customer: the managers do
    if audience not in directory.by_audience:
        directory.by_audience[audience] = await role_chats(uow, config, audience)
    return directory.by_audience[audience]


async def role_chats(uow: UnitOfWork, config: Config, audience: Audience) -> list[Recipient]:
    """A staff audience's chats: its role's group if one is configured, else each person
    holding the role (no managers: the administrators)."""
    role = ROLE_OF[audience]
    group = getattr(config.notifications, role.value, None)
    if group is not None:
        return [
            Recipient(
                chat_id=group.chat_id,
                topic_id=group.topic_id or 0,
                name=role.value,
                language=config.business.default_language,
                audience=audience,
            )
        ]
    ids = await uow.staff.with_role(role)
    if not ids and role is Role.SALES_MANAGER:  # no managers: the administrators
        ids = deciders(Route.MANAGER, None, ids, await admin_ids(uow, config))
    people = [await uow.users.by_id(i) for i in ids]
    return [person(u, audience) for u in people if u is not None]


async def recipient_of(uow: UnitOfWork, config: Config, logged: Logged) -> Recipient:
    """The chat a logged reminder goes to, as things stand now; Unreachable if its person
    can no longer be written to."""
    key = logged.key
    if logged.user_id is None:  # a role's group chat
        return Recipient(
            chat_id=key.chat_id,
            topic_id=key.topic_id,
            name=logged.audience.value,
            language=config.business.default_language,
            audience=logged.audience,
        )
    user = await uow.users.by_id(logged.user_id)
    if user is None or user.unreachable:
        raise Unreachable()
    return person(user, logged.audience)
