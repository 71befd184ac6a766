"""SQL for staff roles, invites, reps' links and customers' reps."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import aiosqlite

from bot.db._rows import ts
from bot.domain.models import Language, User
from bot.domain.roles import Role

ROUND_ROBIN = "round_robin_last_rep"


class UsedInvite(NamedTuple):
    """The role an invite gave, and the user id of who made it."""

    role: Role
    made_by: int


class Member(NamedTuple):
    """A staff member and the roles they hold."""

    user: User
    roles: frozenset[Role]


class StaffRepository:
    """Roles, invites, rep links, rep assignment."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def roles(self, user_id: int) -> frozenset[Role]:
        """Stored roles of a user."""
        async with self._conn.execute(
            "SELECT role FROM user_roles WHERE user_id = ?", (user_id,)
        ) as cursor:
            return frozenset(Role(r[0]) for r in await cursor.fetchall())

    async def grant(self, user_id: int, role: Role, by: int | None, now: datetime) -> bool:
        """Give a role; False when the user had it already."""
        cursor = await self._conn.execute(
            "INSERT OR IGNORE INTO user_roles (user_id, role, granted_by, granted_at)"
            " VALUES (?, ?, ?, ?)",
            (user_id, role.value, by, ts(now)),
        )
        return cursor.rowcount == 1

    async def revoke(self, user_id: int, role: Role) -> bool:
        """Take a role away; False when the user did not have it."""
        cursor = await self._conn.execute(
            "DELETE FROM user_roles WHERE user_id = ? AND role = ?", (user_id, role.value)
        )
        return cursor.rowcount == 1

    async def members(self) -> list[Member]:
        """Everyone with a stored role, by name."""
        async with self._conn.execute(
            "SELECT u.id, u.telegram_id, u.language, u.time_zone, u.first_name,"
            " group_concat(r.role) AS roles FROM users u JOIN user_roles r ON r.user_id = u.id"
            " GROUP BY u.id ORDER BY u.first_name, u.id"
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            Member(
                User(
                    id=r["id"],
                    telegram_id=r["telegram_id"],
                    language=Language(r["language"]),
                    time_zone=r["time_zone"],
                    first_name=r["first_name"],
                ),
                frozenset(Role(x) for x in r["roles"].split(",")),
            )
            for r in rows
        ]

    async def with_role(self, role: Role) -> list[int]:
        """User ids holding a role, oldest id first."""
        async with self._conn.execute(
            "SELECT user_id FROM user_roles WHERE role = ? ORDER BY user_id", (role.value,)
        ) as cursor:
            return [r[0] for r in await cursor.fetchall()]

    async def add_invite(
        self, token: str, role: Role, by: int, now: datetime, expires: datetime
    ) -> None:
        """Store a one-time invite."""
        await self._conn.execute(
            "INSERT INTO invites (token, role, created_by, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (token, role.value, by, ts(now), ts(expires)),
        )

    async def use_invite(self, token: str, user_id: int, now: datetime) -> UsedInvite | None:
        """Mark an unused, unexpired invite as used by this user; its role and the user id of
        who made it, or None."""
        async with self._conn.execute(
            "UPDATE invites SET used_by = ?, used_at = ?"
            " WHERE token = ? AND used_by IS NULL AND expires_at > ? RETURNING role, created_by",
            (user_id, ts(now), token, ts(now)),
        ) as cursor:
            row = await cursor.fetchone()
        return UsedInvite(Role(row["role"]), row["created_by"]) if row else None

    async def discount_limit(self, rep_id: int) -> int | None:
        """A rep's own discount limit in basis points (None: the configuration's applies)."""
        async with self._conn.execute(
            "SELECT discount_bp FROM rep_limits WHERE rep_id = ?", (rep_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else None

    async def set_discount_limit(
        self, rep_id: int, bp: int | None, by: int, now: datetime
    ) -> None:
        """Give a rep their own discount limit, or take it away (None: the configuration's)."""
        if bp is None:
            await self._conn.execute("DELETE FROM rep_limits WHERE rep_id = ?", (rep_id,))
            return
        await self._conn.execute(
            "INSERT INTO rep_limits (rep_id, discount_bp, set_by, set_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (rep_id) DO UPDATE SET discount_bp = excluded.discount_bp,"
            " set_by = excluded.set_by, set_at = excluded.set_at",
            (rep_id, bp, by, ts(now)),
        )

    async def rep_code(self, rep_id: int) -> str | None:
        """A rep's link code."""
        async with self._conn.execute(
            "SELECT code FROM rep_links WHERE rep_id = ?", (rep_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else None

    async def set_rep_code(self, rep_id: int, code: str) -> None:
        """Give a rep a link code."""
        await self._conn.execute(
            "INSERT INTO rep_links (rep_id, code) VALUES (?, ?)", (rep_id, code)
        )

    async def rep_by_code(self, code: str) -> int | None:
        """The rep (still holding the role) behind a link code."""
        async with self._conn.execute(
            "SELECT l.rep_id FROM rep_links l JOIN user_roles r"
            " ON r.user_id = l.rep_id AND r.role = 'sales_rep' WHERE l.code = ?",
            (code,),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else None

    async def set_customer_rep(self, customer_id: int, rep_id: int | None) -> None:
        """Assign a customer to a rep."""
        await self._conn.execute(
            "UPDATE customers SET rep_id = ? WHERE id = ?", (rep_id, customer_id)
        )

    async def setting(self, key: str) -> str | None:
        """A stored setting."""
        async with self._conn.execute("SELECT value FROM settings WHERE key = ?", (key,)) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else None

    async def set_setting(self, key: str, value: str) -> None:
        """Store a setting."""
        await self._conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
