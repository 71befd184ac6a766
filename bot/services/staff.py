"""Staff: roles, one-time invites, reps' personal links, assigning customers to reps."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict

from bot.db import UnitOfWork
from bot.db.staff import ROUND_ROBIN
from bot.domain.audit import AuditAction
from bot.domain.errors import InputProblem, InvalidInput, InviteInvalid, NotARep, StaffNotFound
from bot.domain.models import User
from bot.domain.notices import NoticeKind
from bot.domain.roles import Permission, Role
from bot.services.base import Service, authorize, roles_of
from bot.services.notices import post
from bot.services.review_rules import default_discount_limit_bp

INVITE_PREFIX = "inv_"
REP_PREFIX = "rep_"


class Invite(BaseModel):
    """A one-time invite for a role: its deep-link payload and expiry."""

    model_config = ConfigDict(frozen=True)

    payload: str
    role: Role
    expires_at: datetime


class InviteUsed(BaseModel):
    """A notice to whoever made an invite: who joined with it, as what."""

    model_config = ConfigDict(frozen=True)

    user_id: int
    name: str
    role: Role


class Redeemed(BaseModel):
    """An invite taken: the role it gave and every role the person has now (their menu)."""

    model_config = ConfigDict(frozen=True)

    role: Role
    roles: frozenset[Role]


class StaffMember(BaseModel):
    """A person with roles."""

    model_config = ConfigDict(frozen=True)

    user: User
    roles: frozenset[Role]
    from_config: bool
    # a rep's discount limit in basis points (None: not a rep), and whether it is their own
    discount_limit_bp: int | None = None
    own_discount_limit: bool = False


async def next_rep(uow: UnitOfWork) -> int | None:
    """The rep whose turn it is in the round-robin (None without reps)."""
    reps = await uow.staff.with_role(Role.SALES_REP)
    if not reps:
        return None
    last = int(await uow.staff.setting(ROUND_ROBIN) or 0)
    chosen = next((r for r in reps if r > last), reps[0])
    await uow.staff.set_setting(ROUND_ROBIN, str(chosen))
    return chosen


class StaffService(Service):
    """Who holds which role; every change checked and audited."""

    async def check(self, actor: User, permission: Permission, action: str) -> None:
        """Refuse (audited) unless the actor's roles allow it: for screens that load nothing."""
        async with self.db.unit_of_work() as uow:
            await authorize(uow, self.config, actor, permission, action, self.clock.now())

    async def roles(self, user: User) -> frozenset[Role]:
        """A user's roles (none for customers)."""
        async with self.db.reader() as uow:
            return await roles_of(uow, self.config, user)

    async def create_invite(self, actor: User, role: Role) -> Invite:
        """A one-time invite link for a role (admins)."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            await authorize(uow, self.config, actor, Permission.MANAGE_STAFF, "invite", now)
            token = secrets.token_urlsafe(12)
            expires = now + timedelta(hours=self.config.staff.invite_ttl_hours)
            await uow.staff.add_invite(token, role, actor.id, now, expires)
            await uow.audit.record(
                at=now,
                actor_id=actor.id,
                entity="invite",
                entity_id=0,
                action=AuditAction.CREATED,
                after=role.value,
            )
            await uow.commit()
        return Invite(payload=INVITE_PREFIX + token, role=role, expires_at=expires)

    async def redeem(self, user: User, payload: str) -> Redeemed:
        """Take the role of an invite link; it works once, before it expires."""
        token = payload.removeprefix(INVITE_PREFIX)
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            used = await uow.staff.use_invite(token, user.id, now)
            if used is None:
                raise InviteInvalid()
            role, made_by = used
            await uow.staff.grant(user.id, role, None, now)
            await uow.audit.record(
                at=now,
                actor_id=user.id,
                entity="user",
                entity_id=user.id,
                action=AuditAction.ROLE_GRANTED,
                after=role.value,
                reason="invite",
            )
            maker = await uow.users.by_id(made_by)
            if maker is not None and maker.id != user.id:
                notice = InviteUsed(user_id=user.id, name=user.first_name, role=role)
                await post(uow, self.config, NoticeKind.INVITE_USED, notice, [maker], now)
            roles = await roles_of(uow, self.config, user)
            await uow.commit()
        return Redeemed(role=role, roles=roles)

    async def members(self, actor: User) -> list[StaffMember]:
        """Everyone with a role, the configured administrators included (admins)."""
        async with self.db.unit_of_work() as uow:
            await authorize(
                uow, self.config, actor, Permission.MANAGE_STAFF, "staff", self.clock.now()
            )
            return await self._everyone(uow)

    async def everyone(self) -> list[StaffMember]:
        """Everyone with a role, for giving each their command menu at start-up (no actor)."""
        async with self.db.reader() as uow:
            return await self._everyone(uow)

    async def _everyone(self, uow: UnitOfWork) -> list[StaffMember]:
        members = await uow.staff.members()
        listed = {u.telegram_id for u, _ in members}
        result = [
            StaffMember(
                user=u,
                roles=await roles_of(uow, self.config, u),
                from_config=u.telegram_id in self.config.business.admins,
            )
            for u, _ in members
        ]
        for telegram_id in self.config.business.admins:
            admin = await uow.users.by_telegram_id(telegram_id)
            if admin is not None and telegram_id not in listed:
                result.append(
                    StaffMember(user=admin, roles=frozenset({Role.ADMIN}), from_config=True)
                )
        return result

    async def member(self, actor: User, user_id: int) -> StaffMember:
        """One person and their roles (admins)."""
        async with self.db.unit_of_work() as uow:
            user = await self._person(uow, actor, user_id, "staff", self.clock.now())
            return await self._member(uow, user)

    async def _person(
        self, uow: UnitOfWork, actor: User, user_id: int, action: str, now: datetime
    ) -> User:
        """The person an administrator acts on (anyone else refused, audited)."""
        await authorize(uow, self.config, actor, Permission.MANAGE_STAFF, action, now)
        user = await uow.users.by_id(user_id)
        if user is None:
            raise StaffNotFound()
        return user

    async def _member(self, uow: UnitOfWork, user: User) -> StaffMember:
        """One person as /staff shows them: roles, and a rep's discount limit."""
        roles = await roles_of(uow, self.config, user)
        limit = own = None
        if Role.SALES_REP in roles:
            own = await uow.staff.discount_limit(user.id)
            limit = default_discount_limit_bp(self.config) if own is None else own
        return StaffMember(
            user=user,
            roles=roles,
            from_config=user.telegram_id in self.config.business.admins,
            discount_limit_bp=limit,
            own_discount_limit=own is not None,
        )

    async def discount_limit_of(self, actor: User, user_id: int) -> StaffMember:
        """Before a rep's limit is typed (admins; only a rep has one): the person."""
        value = await self.member(actor, user_id)
        if value.discount_limit_bp is None:
            raise NotARep()
        return value

    async def set_discount_limit(self, actor: User, user_id: int, bp: int | None) -> StaffMember:
        """Give a rep their own discount limit (basis points), or None for the configuration's
        (admins); audited. Orders are checked against it from then on."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            user = await self._person(uow, actor, user_id, "rep_limit", now)
            if Role.SALES_REP not in await uow.staff.roles(user_id):
                raise NotARep()
            if bp is not None and not 0 <= bp <= 10_000:
                raise InvalidInput(InputProblem.PERCENT_INVALID, 0, 100)
            before = await uow.staff.discount_limit(user_id)
            if before != bp:
                await uow.staff.set_discount_limit(user_id, bp, actor.id, now)
                await uow.audit.record(
                    at=now,
                    actor_id=actor.id,
                    entity="user",
                    entity_id=user_id,
                    action=AuditAction.DISCOUNT_LIMIT,
                    before="" if before is None else str(before),
                    after="" if bp is None else str(bp),
                )
            member = await self._member(uow, user)
            await uow.commit()
        return member

    async def set_role(self, actor: User, user_id: int, role: Role, *, held: bool) -> StaffMember:
        """Grant or revoke a role (admins); the configured administrators stay admins."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            user = await self._person(uow, actor, user_id, "set_role", now)
            changed = (
                await uow.staff.grant(user_id, role, actor.id, now)
                if held
                else await uow.staff.revoke(user_id, role)
            )
            if changed:
                await uow.audit.record(
                    at=now,
                    actor_id=actor.id,
                    entity="user",
                    entity_id=user_id,
                    action=AuditAction.ROLE_GRANTED if held else AuditAction.ROLE_REVOKED,
                    after=role.value,
                )
            member = await self._member(uow, user)
            await uow.commit()
        return member

    async def rep_link(self, rep: User) -> str:
        """A rep's personal deep-link payload (made on first use)."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            await authorize(uow, self.config, rep, Permission.OWN_CUSTOMERS, "rep_link", now)
            code = await uow.staff.rep_code(rep.id)
            if code is None:
                code = secrets.token_urlsafe(8)
                await uow.staff.set_rep_code(rep.id, code)
            await uow.commit()
        return REP_PREFIX + code
