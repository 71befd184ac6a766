"""Staff roles and what each may do; every action is checked against this in the services."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A staff role; one person may hold several."""

    SALES_REP = "sales_rep"
    SALES_MANAGER = "sales_manager"
    WAREHOUSE = "warehouse"
    FINANCE = "finance"
    ADMIN = "admin"


class Permission(StrEnum):
    """Something a role allows."""

    MANAGE_STAFF = "manage_staff"
    ASSIGN_CUSTOMERS = "assign_customers"
    OWN_CUSTOMERS = "own_customers"
    FULFIL = "fulfil"
    RECORD_PAYMENTS = "record_payments"
    VIEW_RECEIVABLES = "view_receivables"
    SET_CREDIT = "set_credit"
    PAUSE_REMINDERS = "pause_reminders"  # any customer's; a rep may pause their own
    VIEW_REPORTS = "view_reports"  # /report: sales, KPIs, ratings
    EXPORT = "export"  # /export: orders, lines, payments, receivables as files
    BATCH_ORDERS = "batch_orders"  # /batch: a rep for their own customers, managers for any
    RECEIVE_STOCK = "receive_stock"  # /receive, /adjust: the warehouse and admins
    VIEW_STOCK = "view_stock"  # /stock: the warehouse, managers and admins
    EDIT_CATALOG = "edit_catalog"  # /products: admins; managers when catalog.managers_edit


PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.SALES_REP: frozenset({Permission.OWN_CUSTOMERS, Permission.BATCH_ORDERS}),
    Role.SALES_MANAGER: frozenset(
        {
            Permission.ASSIGN_CUSTOMERS,
            Permission.VIEW_RECEIVABLES,
            Permission.SET_CREDIT,
            Permission.PAUSE_REMINDERS,
            Permission.VIEW_REPORTS,
            Permission.EXPORT,
            Permission.BATCH_ORDERS,
            Permission.VIEW_STOCK,
        }
    ),
    Role.WAREHOUSE: frozenset(
        {Permission.FULFIL, Permission.RECEIVE_STOCK, Permission.VIEW_STOCK}
    ),
    Role.FINANCE: frozenset(
        {
            Permission.RECORD_PAYMENTS,
            Permission.VIEW_RECEIVABLES,
            Permission.PAUSE_REMINDERS,
            Permission.EXPORT,
        }
    ),
    Role.ADMIN: frozenset(
        {
            Permission.MANAGE_STAFF,
            Permission.ASSIGN_CUSTOMERS,
            Permission.FULFIL,
            Permission.RECORD_PAYMENTS,
            Permission.VIEW_RECEIVABLES,
            Permission.SET_CREDIT,
            Permission.PAUSE_REMINDERS,
            Permission.VIEW_REPORTS,
            Permission.EXPORT,
            Permission.BATCH_ORDERS,
            Permission.EDIT_CATALOG,
            Permission.RECEIVE_STOCK,
            Permission.VIEW_STOCK,
        }
    ),
}


def allowed(roles: frozenset[Role], permission: Permission) -> bool:
    """Whether any of the roles grants the permission."""
    return any(permission in PERMISSIONS[role] for role in roles)


ALIASES: dict[str, Role] = {
    "rep": Role.SALES_REP,
    "sales": Role.SALES_REP,
    "manager": Role.SALES_MANAGER,
    **{role.value: role for role in Role},
}


def parse_role(text: str) -> Role | None:
    """A role from what an admin typed (`rep`, `manager`, `warehouse`, …), or None."""
    return ALIASES.get(text.strip().lower().replace("-", "_"))
