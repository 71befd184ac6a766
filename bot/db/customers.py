"""SQL for customers, their addresses and the payment terms allowed to them."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.db._rows import from_ts, like_pattern, ts
from bot.domain.models import Address, Customer

_COLUMNS = (
    "id, user_id, name, phone, company, discount_bp, credit_limit, trusted, rep_id, created_at,"
    " reminders_paused_at"
)


def _customer(row: aiosqlite.Row) -> Customer:
    return Customer(
        id=row["id"],
        user_id=row["user_id"],
        name=row["name"],
        phone=row["phone"],
        company=row["company"],
        discount_bp=row["discount_bp"],
        credit_limit=row["credit_limit"],
        trusted=bool(row["trusted"]),
        rep_id=row["rep_id"],
        created_at=from_ts(row["created_at"]),
        reminders_paused=row["reminders_paused_at"] is not None,
    )


class CustomerRepository:
    """Customers, addresses, allowed payment terms."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def by_user(self, user_id: int) -> Customer | None:
        """The customer record of a user, if registered."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM customers WHERE user_id = ?", (user_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _customer(row) if row else None

    async def insert(
        self, user_id: int, name: str, phone: str, company: str | None, now: datetime
    ) -> Customer:
        """Register a customer."""
        async with self._conn.execute(
            "INSERT INTO customers (user_id, name, phone, company, created_at)"
            f" VALUES (?, ?, ?, ?, ?) RETURNING {_COLUMNS}",
            (user_id, name, phone, company, ts(now)),
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return _customer(row)

    async def phone_used(self, phone: str, except_user_id: int) -> bool:
        """Whether another customer has this phone number (in the form phone_key gives)."""
        async with self._conn.execute(
            "SELECT 1 FROM customers WHERE phone = ? AND user_id != ? LIMIT 1",
            (phone, except_user_id),
        ) as cursor:
            return await cursor.fetchone() is not None

    async def set_details(
        self, customer_id: int, name: str, phone: str, company: str | None
    ) -> None:
        """Change a customer's name, phone and company."""
        await self._conn.execute(
            "UPDATE customers SET name = ?, phone = ?, company = ? WHERE id = ?",
            (name, phone, company, customer_id),
        )

    async def set_discount(self, customer_id: int, discount_bp: int) -> None:
        """Set the customer's standing discount, in basis points."""
        await self._conn.execute(
            "UPDATE customers SET discount_bp = ? WHERE id = ?", (discount_bp, customer_id)
        )

    async def special_prices(self, customer_id: int) -> dict[int, int]:
        """The customer's price list: product id → special unit price."""
        async with self._conn.execute(
            "SELECT product_id, unit_price FROM customer_prices WHERE customer_id = ?",
            (customer_id,),
        ) as cursor:
            return {r["product_id"]: r["unit_price"] for r in await cursor.fetchall()}

    async def special_prices_of_user(self, user_id: int) -> dict[int, int]:
        """The price list of the customer a user is (empty for staff and strangers)."""
        async with self._conn.execute(
            "SELECT cp.product_id, cp.unit_price FROM customer_prices cp"
            " JOIN customers c ON c.id = cp.customer_id WHERE c.user_id = ?",
            (user_id,),
        ) as cursor:
            return {r["product_id"]: r["unit_price"] for r in await cursor.fetchall()}

    async def set_special_price(
        self, customer_id: int, product_id: int, unit_price: int, set_by: int, now: datetime
    ) -> None:
        """Give the customer a special unit price for a product (replacing any earlier one)."""
        await self._conn.execute(
            "INSERT INTO customer_prices (customer_id, product_id, unit_price, set_by, set_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (customer_id, product_id) DO UPDATE SET"
            " unit_price = excluded.unit_price, set_by = excluded.set_by,"
            " set_at = excluded.set_at",
            (customer_id, product_id, unit_price, set_by, ts(now)),
        )

    async def remove_special_price(self, customer_id: int, product_id: int) -> None:
        """Take a product off the customer's price list."""
        await self._conn.execute(
            "DELETE FROM customer_prices WHERE customer_id = ? AND product_id = ?",
            (customer_id, product_id),
        )

    async def by_id(self, customer_id: int) -> Customer | None:
        """The customer with this id."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM customers WHERE id = ?", (customer_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _customer(row) if row else None

    async def set_credit(self, customer_id: int, credit_limit: int, trusted: bool) -> None:
        """Set a customer's credit limit and whether they are trusted."""
        await self._conn.execute(
            "UPDATE customers SET credit_limit = ?, trusted = ? WHERE id = ?",
            (credit_limit, int(trusted), customer_id),
        )

    async def search(self, words: str, rep_id: int | None, limit: int) -> list[Customer]:
        """Customers whose name, company or phone contains the words (a rep's own only)."""
        where = (
            "(name LIKE :q ESCAPE '\\' OR company LIKE :q ESCAPE '\\'"
            " OR phone LIKE :q ESCAPE '\\')"
        )
        params: dict[str, object] = {"q": like_pattern(words), "limit": limit}
        if rep_id is not None:
            where += " AND rep_id = :rep"
            params["rep"] = rep_id
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM customers WHERE {where} ORDER BY name, id LIMIT :limit",
            params,
        ) as cursor:
            return [_customer(r) for r in await cursor.fetchall()]

    async def disallow_term(self, customer_id: int, term_code: str) -> None:
        """Take a payment term away from a customer."""
        await self._conn.execute(
            "DELETE FROM customer_payment_terms WHERE customer_id = ? AND term_code = ?",
            (customer_id, term_code),
        )

    async def addresses(self, customer_id: int, limit: int = 5) -> list[Address]:
        """Saved addresses: the default first, then the most recently used."""
        async with self._conn.execute(
            "SELECT id, customer_id, text, is_default FROM addresses WHERE customer_id = ?"
            " ORDER BY is_default DESC, last_used_at DESC, id DESC LIMIT ?",
            (customer_id, limit),
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            Address(
                id=r["id"],
                customer_id=r["customer_id"],
                text=r["text"],
                is_default=bool(r["is_default"]),
            )
            for r in rows
        ]

    async def address_count(self, customer_id: int) -> int:
        """How many addresses the customer has saved."""
        async with self._conn.execute(
            "SELECT COUNT(*) FROM addresses WHERE customer_id = ?", (customer_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def remove_address(self, customer_id: int, address_id: int) -> str | None:
        """Forget one of the customer's saved addresses; its text, or None if not theirs."""
        async with self._conn.execute(
            "DELETE FROM addresses WHERE id = ? AND customer_id = ? RETURNING text",
            (address_id, customer_id),
        ) as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else None

    async def set_default_address(self, customer_id: int, address_id: int) -> str | None:
        """Make one saved address the default (the others not); its text, or None if not
        theirs."""
        async with self._conn.execute(
            "SELECT text FROM addresses WHERE id = ? AND customer_id = ?",
            (address_id, customer_id),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        await self._conn.execute(
            "UPDATE addresses SET is_default = (id = ?) WHERE customer_id = ?",
            (address_id, customer_id),
        )
        return str(row[0])

    async def save_address(self, customer_id: int, text: str, now: datetime) -> Address:
        """Save an address, or mark an identical saved one as just used."""
        async with self._conn.execute(
            "INSERT INTO addresses (customer_id, text, last_used_at) VALUES (?, ?, ?)"
            " ON CONFLICT (customer_id, text) DO UPDATE SET last_used_at = excluded.last_used_at"
            " RETURNING id",
            (customer_id, text, ts(now)),
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return Address(id=row["id"], customer_id=customer_id, text=text)

    async def extra_terms(self, customer_id: int) -> list[str]:
        """Payment term codes allowed to this customer beyond the defaults."""
        async with self._conn.execute(
            "SELECT term_code FROM customer_payment_terms WHERE customer_id = ?", (customer_id,)
        ) as cursor:
            return [row[0] for row in await cursor.fetchall()]

    async def allow_term(self, customer_id: int, term_code: str) -> None:
        """Allow a payment term to a customer."""
        await self._conn.execute(
            "INSERT OR IGNORE INTO customer_payment_terms (customer_id, term_code) VALUES (?, ?)",
            (customer_id, term_code),
        )

    async def set_reminders_paused(self, customer_id: int, now: datetime | None) -> None:
        """Pause a customer's reminders (now) or let them run again (None)."""
        await self._conn.execute(
            "UPDATE customers SET reminders_paused_at = ? WHERE id = ?",
            (ts(now) if now else None, customer_id),
        )
