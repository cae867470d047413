"""The one question widget: a question's buttons for the questionnaires and the check-ins alike.

Options (Yes/No in a row, single choices in a column), multiple choices with their ticks and
Done, then a row of Back, Keep my answer or Skip where the flow says they apply. Each flow gives
its own callback data (`ButtonData`), so its handler gets a press's `Act` and argument back, and
`answer_of` turns an option, Done or Skip into the answer to store.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.handlers.callback_data import CallbackData
from bot.handlers.questions import TICK
from bot.i18n import Translator
from bot.model.questionnaire import (
    NO,
    YES,
    Answer,
    Invalid,
    Kind,
    Problem,
    Question,
    choose,
    finish_multi,
    skip,
)


class Act(StrEnum):
    """What a button of the widget does: one letter in the callback data."""

    OPTION = "o"
    TICK = "t"
    DONE = "d"
    SKIP = "s"
    BACK = "b"
    KEEP = "k"


def acts_pattern(*acts: str) -> str:
    """The regex of these actions, for an `Annotated` field of a flow's callback data."""
    return "|".join(re.escape(act) for act in acts)


# A flow's callback data for one button: the action and its argument (an option id).
ButtonData = Callable[[Act, str | None], CallbackData]


@dataclass(frozen=True)
class Shown:
    """What the widget shows besides the question: the ticks so far, and the ways on."""

    selection: tuple[str, ...] = ()
    back: bool = False  # to the question before
    keep: bool = False  # an answer given before stays as it is
    skip: bool = False  # no answer (not shown when Keep is)


def keyboard(
    t: Translator, question: Question, shown: Shown, data: ButtonData
) -> InlineKeyboardMarkup | None:
    """The buttons under a question; None when it has none (a required typed answer)."""
    rows = option_rows(t, question, shown.selection, data)
    navigation = navigation_row(t, shown, data)
    if navigation:
        rows.append(navigation)
    return InlineKeyboardMarkup(rows) if rows else None


def option_rows(
    t: Translator, question: Question, selection: tuple[str, ...], data: ButtonData
) -> list[list[InlineKeyboardButton]]:
    if question.kind is Kind.YES_NO:
        return [
            [
                button(t.gettext("Yes"), data(Act.OPTION, YES)),
                button(t.gettext("No"), data(Act.OPTION, NO)),
            ]
        ]
    if question.kind is Kind.SINGLE:
        return [[button(t.gettext(o.label), data(Act.OPTION, o.id))] for o in question.options]
    if question.kind is Kind.MULTI:
        ticked = [
            [button(ticked_label(t, o.label, o.id in selection), data(Act.TICK, o.id))]
            for o in question.options
        ]
        return [*ticked, [button(t.gettext("Done"), data(Act.DONE, None))]]
    return []


def ticked_label(t: Translator, label: str, ticked: bool) -> str:
    return (TICK if ticked else "") + t.gettext(label)


def navigation_row(t: Translator, shown: Shown, data: ButtonData) -> list[InlineKeyboardButton]:
    row = []
    if shown.back:
        row.append(button(t.pgettext("button", "‹ Back"), data(Act.BACK, None)))
    if shown.keep:
        row.append(button(t.gettext("Keep my answer"), data(Act.KEEP, None)))
    elif shown.skip:
        row.append(button(t.gettext("Skip ›"), data(Act.SKIP, None)))
    return row


def button(label: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data.pack())


def answer_of(
    question: Question, act: Act, argument: str | None, selection: tuple[str, ...]
) -> Answer | Invalid:
    """The answer an option, Done or Skip gives; any other press answers nothing."""
    if act is Act.OPTION:
        return choose(question, argument or "")
    if act is Act.DONE and question.kind is Kind.MULTI:
        return finish_multi(question, selection)
    if act is Act.SKIP:
        return skip(question)
    return Invalid(Problem.UNKNOWN_OPTION)


def ticks(question: Question) -> bool:
    """Whether options of this question are ticked (and Done pressed) rather than chosen."""
    return question.kind is Kind.MULTI
