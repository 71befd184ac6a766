"""Screens of /profile: a customer's own name, phone, company and saved addresses."""

from __future__ import annotations

from bot.i18n import Texts
from bot.services.customers import Profile
from bot.ui import actions
from bot.ui.callbacks import pack
from bot.ui.screen import Screen, button, clip, esc, keyboard


def profile(t: Texts, value: Profile) -> Screen:
    """The customer's details, a button for each thing they may change."""
    customer = value.customer
    default = next((a for a in value.addresses if a.is_default), None)
    lines = [
        t._("<b>Your profile</b>"),
        t._("Name: %(name)s") % {"name": esc(customer.name)},
        t._("Phone: %(phone)s") % {"phone": esc(customer.phone)},
        t._("Company: %(company)s") % {"company": esc(customer.company or "—")},
        t._("Addresses saved: %(n)d") % {"n": len(value.addresses)},
    ]
    if default is not None:
        lines.append(t._("Default address: %(address)s") % {"address": esc(default.text)})
    rows = [
        [
            button(t._("✏️ Name"), pack(actions.Profile.NAME)),
            button(t._("📱 Phone"), pack(actions.Profile.PHONE)),
        ],
        [
            button(t._("🏢 Company"), pack(actions.Profile.COMPANY)),
            button(t._("🏠 Addresses"), pack(actions.Profile.ADDRESSES)),
        ],
        [button(t._("✅ Done"), pack(actions.Profile.DONE))],
    ]
    return Screen("\n".join(lines), keyboard(rows))


def addresses(t: Texts, value: Profile) -> Screen:
    """The saved addresses: make one the default (offered first at checkout), or remove one."""
    lines = [t._("<b>Your addresses</b> (★ the default, offered first at checkout)")]
    rows = []
    for n, address in enumerate(value.addresses, start=1):
        mark = "★ " if address.is_default else ""
        lines.append(f"{n}. {mark}{esc(address.text)}")
        label, star = clip(address.text, 24), "★" if address.is_default else "☆"
        rows.append(
            [
                button(f"{star} {n}. {label}", pack(actions.Profile.DEFAULT_ADDRESS, address.id)),
                button(
                    t._("🗑 Remove %(n)d") % {"n": n},
                    pack(actions.Profile.REMOVE_ADDRESS, address.id),
                ),
            ]
        )
    rows.append([button(t._("➕ Add an address"), pack(actions.Profile.ADD_ADDRESS))])
    rows.append([button(t._("⬅ Profile"), pack(actions.Profile.HOME))])
    return Screen("\n".join(lines), keyboard(rows))


def ask_name(t: Texts) -> Screen:
    """Ask for the new name."""
    return Screen(t._("Your name as it should appear on orders and invoices? /cancel keeps it."))


def ask_phone(t: Texts) -> str:
    """Ask for the new phone number (the share button goes with it)."""
    return t._("Your new phone number? Press the button below, or type it. /cancel keeps it.")


def ask_company(t: Texts) -> Screen:
    """Ask for the company, or none."""
    rows = [[button(t._("No company — I buy for myself"), pack(actions.Profile.NO_COMPANY))]]
    return Screen(t._("Your company name? /cancel keeps it."), keyboard(rows))


def ask_address(t: Texts) -> Screen:
    """Ask for another delivery address."""
    return Screen(t._("The new delivery address? /cancel adds none."))


def closed(t: Texts) -> Screen:
    """The profile closed; every change was saved as it was made."""
    return Screen(t._("Your profile is saved. /profile opens it again."))
