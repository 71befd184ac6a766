"""Screens of staff administration: invites, the staff list, one person's roles."""

from __future__ import annotations

from bot.domain.roles import Role
from bot.i18n import Texts
from bot.services.staff import Invite, InviteUsed, StaffMember
from bot.ui import actions
from bot.ui.callbacks import pack
from bot.ui.labels import ROLE
from bot.ui.screen import Screen, button, esc, keyboard


def deep_link(bot_username: str, payload: str) -> str:
    """A t.me link that starts the bot with a payload."""
    return f"https://t.me/{bot_username}?start={payload}"


def roles_text(t: Texts, roles: frozenset[Role]) -> str:
    """Role names, comma separated, in the reader's language."""
    return ", ".join(t._(ROLE[r]) for r in Role if r in roles) or "—"


def invite_menu(t: Texts) -> Screen:
    """Which role to invite someone for."""
    rows = [[button(t._(ROLE[r]), pack(actions.Staff.INVITE, r.value))] for r in Role]
    return Screen(t._("Invite someone as:"), keyboard(rows))


def invite(t: Texts, value: Invite, bot_username: str) -> Screen:
    """A fresh one-time invite link."""
    text = t._(
        "Invite link for a <b>%(role)s</b>. It works once, until %(expires)s. "
        "Send it to the person; opening it gives them the role:\n%(link)s"
    ) % {
        "role": t._(ROLE[value.role]),
        "expires": t.datetime(value.expires_at),
        "link": esc(deep_link(bot_username, value.payload)),
    }
    return Screen(text)


def invite_used(t: Texts, value: InviteUsed) -> Screen:
    """To whoever made an invite: it was used, by whom, for which role."""
    text = t._("🤝 <b>%(name)s</b> joined through your invite as %(role)s.") % {
        "name": esc(value.name),
        "role": t._(ROLE[value.role]),
    }
    rows = [[button(t._("👥 Staff"), pack(actions.Staff.MEMBER, value.user_id))]]
    return Screen(text, keyboard(rows))


def staff_list(t: Texts, members: list[StaffMember]) -> Screen:
    """Everyone with a role, a button each."""
    if not members:
        return Screen(t._("Nobody has a staff role yet. /invite someone."))
    lines = [t._("<b>Staff</b>")]
    rows = []
    for m in members:
        lines.append(f"• {esc(m.user.first_name)} — {roles_text(t, m.roles)}")
        rows.append([button(m.user.first_name[:40] or "?", pack(actions.Staff.MEMBER, m.user.id))])
    return Screen("\n".join(lines), keyboard(rows))


def member(t: Texts, value: StaffMember) -> Screen:
    """One person's roles, each a button that adds or removes it."""
    rows = []
    for role in Role:
        if role is Role.ADMIN and value.from_config:
            continue
        held = role in value.roles
        label = ("✅ " if held else "➕ ") + t._(ROLE[role])
        rows.append(
            [
                button(
                    label,
                    pack(
                        actions.Staff.REVOKE if held else actions.Staff.GRANT,
                        value.user.id,
                        role.value,
                    ),
                )
            ]
        )
    text = t._("<b>%(name)s</b>\nRoles: %(roles)s\nPress a role to add or remove it.") % {
        "name": esc(value.user.first_name),
        "roles": roles_text(t, value.roles),
    }
    if value.discount_limit_bp is not None:
        text += "\n" + _discount_limit(t, value)
        uid = value.user.id
        rows.append([button(t._("🏷 Discount limit…"), pack(actions.Staff.DISCOUNT_LIMIT, uid))])
        if value.own_discount_limit:
            rows.append([button(t._("↩ Default limit"), pack(actions.Staff.DEFAULT_LIMIT, uid))])
    rows.append([button(t._("⬅ Staff"), pack(actions.Staff.LIST))])
    if value.from_config:
        text += "\n" + t._("Administrator by the configuration file.")
    return Screen(text, keyboard(rows))


def _discount_limit(t: Texts, value: StaffMember) -> str:
    percent = f"{(value.discount_limit_bp or 0) / 100:g}"
    if value.own_discount_limit:
        return t._("Discount limit: %(percent)s%% (their own)") % {"percent": percent}
    return t._("Discount limit: %(percent)s%% (the default)") % {"percent": percent}


def ask_discount_limit(t: Texts, value: StaffMember) -> Screen:
    """Ask a rep's own discount limit, in percent."""
    return Screen(
        t._(
            "The deepest discount %(name)s may give without a manager, in percent (0 to 100)? "
            "/cancel keeps it."
        )
        % {"name": esc(value.user.first_name)}
    )


def confirm_revoke(t: Texts, value: StaffMember, role: Role) -> Screen:
    """A second confirmation before a role is taken away."""
    rows = [
        [
            button(
                t._("Yes, remove the role"),
                pack(actions.Staff.REVOKE_CONFIRMED, value.user.id, role.value),
            )
        ],
        [button(t._("No, keep it"), pack(actions.Staff.MEMBER, value.user.id))],
    ]
    text = t._("Remove the role <b>%(role)s</b> from %(name)s?") % {
        "role": t._(ROLE[role]),
        "name": esc(value.user.first_name),
    }
    return Screen(text, keyboard(rows))
