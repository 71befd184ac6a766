"""Units of measure in the reader's language: a quantity with its unit ("12 boxes", "3 kg"),
and the units' names for the product editor's buttons."""

from __future__ import annotations

from bot.domain.models import Unit
from bot.i18n import N_, Texts

# The names the editor offers and its card shows.
UNIT_NAMES = {
    Unit.PCS: N_("pieces"),
    Unit.BOX: N_("boxes"),
    Unit.PACK: N_("packs"),
    Unit.REAM: N_("reams"),
    Unit.SET: N_("sets"),
    Unit.KG: N_("kilograms (kg)"),
    Unit.M: N_("metres (m)"),
    Unit.L: N_("litres (l)"),
}


def quantity(t: Texts, n: int, unit: Unit) -> str:
    """A quantity with its unit, in the form the number takes; pieces are a bare number (an
    order line's "5 × Stapler" already counts pieces)."""
    if unit is Unit.BOX:
        text = t.ngettext("%(n)s box", "%(n)s boxes", n)
    elif unit is Unit.PACK:
        text = t.ngettext("%(n)s pack", "%(n)s packs", n)
    elif unit is Unit.REAM:
        text = t.ngettext("%(n)s ream", "%(n)s reams", n)
    elif unit is Unit.SET:
        text = t.ngettext("%(n)s set", "%(n)s sets", n)
    elif unit is Unit.KG:
        text = t.ngettext("%(n)s kg", "%(n)s kg", n)
    elif unit is Unit.M:
        text = t.ngettext("%(n)s m", "%(n)s m", n)
    elif unit is Unit.L:
        text = t.ngettext("%(n)s l", "%(n)s l", n)
    else:
        return t.number(n)
    return text % {"n": t.number(n)}


def unit_name(t: Texts, unit: Unit) -> str:
    """A unit's name, as the editor shows it."""
    return t._(UNIT_NAMES[unit])
