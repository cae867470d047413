"""Inline keyboards. Callback data carries a kind, a version and ids, never personal data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.handlers.callback_data import CallbackData
from bot.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES, Translator
from bot.model.participants import Role, self_chosen_roles

LANGUAGES = "|".join(SUPPORTED_LANGUAGES)
CHOSEN_ROLES = "|".join(role.value for role in self_chosen_roles())


@dataclass(frozen=True)
class LanguageChoice(CallbackData, prefix="lang:1"):
    """A language button: lang:1:da."""

    language: Annotated[str, LANGUAGES]


@dataclass(frozen=True)
class RoleChoice(CallbackData, prefix="role:1"):
    """A role button: role:1:mentor."""

    role: Annotated[Role, CHOSEN_ROLES]


def one_per_row(options: Iterable[tuple[str, str]]) -> InlineKeyboardMarkup:
    """A column of buttons, one (label, callback data) a row: choices that read as sentences."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data)] for label, data in options]
    )


LANGUAGES_PER_ROW = 3  # five names side by side would be cut short on a phone


def language_keyboard() -> InlineKeyboardMarkup:
    """Every language of the table, each named in itself."""
    buttons = [
        InlineKeyboardButton(
            LANGUAGE_NAMES[language], callback_data=LanguageChoice(language).pack()
        )
        for language in SUPPORTED_LANGUAGES
    ]
    return InlineKeyboardMarkup(
        [
            buttons[start : start + LANGUAGES_PER_ROW]
            for start in range(0, len(buttons), LANGUAGES_PER_ROW)
        ]
    )


def role_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return one_per_row(
        (role_button_label(t, role), RoleChoice(role).pack()) for role in self_chosen_roles()
    )


def role_button_label(t: Translator, role: Role) -> str:
    if role is Role.MENTOR:
        return t.gettext("I want to volunteer as a mentor")
    return t.gettext("I am looking for a mentor")
