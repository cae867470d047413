"""Inline keyboards. Callback data carries a kind, a version and ids, never personal data."""

from __future__ import annotations

from collections.abc import Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES, Translator
from bot.model.participants import Role, self_chosen_roles

LANGUAGE_DATA = "lang:1:{language}"
LANGUAGE_PATTERN = r"^lang:1:(da|en|ar)$"
ROLE_DATA = "role:1:{role}"
ROLE_PATTERN = r"^role:1:(mentor|mentee)$"


def one_per_row(options: Iterable[tuple[str, str]]) -> InlineKeyboardMarkup:
    """A column of buttons, one (label, callback data) a row: choices that read as sentences."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data)] for label, data in options]
    )


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    LANGUAGE_NAMES[language], callback_data=LANGUAGE_DATA.format(language=language)
                )
                for language in SUPPORTED_LANGUAGES
            ]
        ]
    )


def role_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    role_button_label(t, role), callback_data=ROLE_DATA.format(role=role)
                )
            ]
            for role in self_chosen_roles()
        ]
    )


def role_button_label(t: Translator, role: Role) -> str:
    if role is Role.MENTOR:
        return t.gettext("I want to volunteer as a mentor")
    return t.gettext("I am looking for a mentor")
