"""Answers to a photo, file or voice note that could not be read into an order: what went
wrong, and the quick order's button to type it instead."""

from __future__ import annotations

from bot.domain.intake import IntakeProblem, IntakeRefused, Medium
from bot.i18n import Texts
from bot.ui import actions
from bot.ui.callbacks import pack
from bot.ui.screen import Screen, button, keyboard


def _text(t: Texts, error: IntakeRefused) -> str:
    problem, medium = error.problem, error.medium
    if problem is IntakeProblem.TOO_LARGE:
        return t._(
            "That file is too large: I read files of up to %(mb)d MB. Please send a smaller "
            "one, or type the order."
        ) % {"mb": error.limit}
    if problem is IntakeProblem.FILE_TYPE:
        return t._(
            "I can read an order from a PDF, an Excel (.xlsx), CSV or text file, or from a "
            "photo of the list. Please send one of those, or type the order."
        )
    if problem is IntakeProblem.UNREADABLE and medium is Medium.PHOTO:
        return t._("I could not open that picture. Please send it again, or type the order.")
    if problem is IntakeProblem.UNREADABLE:
        return t._(
            "I could not open that file: it looks damaged, or it is not what its name says. "
            "Please send another one, or type the order."
        )
    if problem is IntakeProblem.SCANNED_PDF:
        return t._(
            "This PDF has no text in it: it looks scanned. Please send a photo of the page "
            "instead, or type the order."
        )
    if problem is IntakeProblem.NO_LINES and medium is Medium.PHOTO:
        return t._(
            "I could not find any of our products in this photo. Please send a sharp, "
            "well-lit photo of the order list, or type the order. Nothing was added."
        )
    if problem is IntakeProblem.NO_LINES and medium is Medium.VOICE:
        return t._(
            "I did not hear any of our products in this voice note. Please type the order. "
            "Nothing was added."
        )
    if problem is IntakeProblem.NO_LINES:
        return t._(
            "I could not find any of our products in this file. Please type the order. "
            "Nothing was added."
        )
    if problem is IntakeProblem.NO_OCR:
        return t._("I cannot read photos here. Please type the order instead.")
    if problem is IntakeProblem.OCR_FAILED:
        return t._(
            "Reading the photo did not work this time. Please try again, or type the order."
        )
    if problem is IntakeProblem.NO_VOICE:
        return t._("I can't listen to voice notes here; please type the order.")
    return t._("I could not make out that voice note. Please try again, or type the order.")


def refused(t: Texts, error: IntakeRefused) -> Screen:
    """Why nothing was taken from it, with the button to type the order instead."""
    retype = button(t._("⚡ Quick order"), pack(actions.QuickOrder.START))
    return Screen(_text(t, error), keyboard([[retype]]))
