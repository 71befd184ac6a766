"""What the audit log records: every action by its one name (the stored `audit_log.action`)."""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    """An audited action; the values are the strings stored in `audit_log.action`."""

    # orders
    STATUS = "status"  # before → after are order statuses
    CHANGED = "changed"
    CHANGE_REQUESTED = "change_requested"
    CANCEL_REQUESTED = "cancel_requested"
    ESCALATED = "escalated"
    ADJUSTED = "adjusted"
    PLACED_FOR_CUSTOMER = "placed_for_customer"
    BATCH = "batch"
    SHIPMENT = "shipment"  # after: the shipment id
    SHORT_REPORTED = "short_reported"
    SHORT_CHOICE = "short_choice"
    RATED = "rated"
    # money
    SAID_PAID = "said_paid"  # a customer's "I've paid", with the amount owed
    PAYMENT = "payment"
    REFUND = "refund"
    REFUND_DUE = "refund_due"
    INVOICED = "invoiced"
    CREDIT_NOTE = "credit_note"
    # anyone: a refused action (after: what was tried)
    DENIED = "denied"
    # custom requests
    CUSTOM_REQUESTED = "custom_requested"
    CUSTOM_QUOTED = "custom_quoted"
    CUSTOM_DECLINED = "custom_declined"
    CUSTOM_WITHDRAWN = "custom_withdrawn"
    CUSTOM_ACCEPTED = "custom_accepted"
    # customers: their own profile
    REGISTERED = "registered"
    NAME_CHANGED = "name_changed"
    PHONE_CHANGED = "phone_changed"
    COMPANY_CHANGED = "company_changed"
    ADDRESS_ADDED = "address_added"
    ADDRESS_REMOVED = "address_removed"
    ADDRESS_DEFAULT = "address_default"
    # customers: staff's settings
    CREDIT_LIMIT = "credit_limit"
    TRUSTED = "trusted"
    PAYMENT_TERM = "payment_term"
    REP = "rep"
    REMINDERS = "reminders"
    DISCOUNT = "discount"
    SPECIAL_PRICE = "special_price"
    # staff
    CREATED = "created"  # a staff member, or a customer's account from a batch upload
    ROLE_GRANTED = "role_granted"
    ROLE_REVOKED = "role_revoked"
    DISCOUNT_LIMIT = "discount_limit"  # a rep's own, in basis points ("" for the default)
    # catalog and stock
    PRODUCT_ADDED = "product_added"
    CATEGORY_ADDED = "category_added"
    CATEGORY_RENAMED = "category_renamed"
    PRODUCT_CATEGORY_ID = "product_category_id"
    PRODUCT_NAME_EN = "product_name_en"
    PRODUCT_NAME_ZH = "product_name_zh"
    PRODUCT_NAME_RU = "product_name_ru"
    PRODUCT_DESCRIPTION_EN = "product_description_en"
    PRODUCT_DESCRIPTION_ZH = "product_description_zh"
    PRODUCT_DESCRIPTION_RU = "product_description_ru"
    PRODUCT_PRICE = "product_price"
    PRODUCT_PREORDER = "product_preorder"
    PRODUCT_ACTIVE = "product_active"
    PRODUCT_UNIT = "product_unit"
    PRODUCT_PHOTO_FILE_ID = "product_photo_file_id"
    PRODUCT_DEPOSIT_PERCENT = "product_deposit_percent"
    PRODUCT_TIERS = "product_tiers"
    STOCK_RECEIPT = "stock_receipt"
    STOCK_ADJUSTMENT = "stock_adjustment"

    @classmethod
    def product_edit(cls, field: str) -> AuditAction:
        """The edit of one product field (an editable column, or `tiers`)."""
        return cls(f"product_{field}")

    @classmethod
    def detail_changed(cls, detail: str) -> AuditAction:
        """A customer's change of their own name, phone or company."""
        return cls(f"{detail}_changed")

    @classmethod
    def stock_moved(cls, kind: str) -> AuditAction:
        """A stock receipt or adjustment."""
        return cls(f"stock_{kind}")


def read_action(value: str) -> AuditAction | str:
    """A stored action: the enum member, or the text itself if no member has it (a log
    written by an older version stays readable)."""
    try:
        return AuditAction(value)
    except ValueError:
        return value
