"""Telegram's command menu: per language for everyone, per chat for coordinators."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.commands import Command, commands_for
from bot.i18n import SUPPORTED_LANGUAGES, translator
from bot.model.participants import Participant, Role

log = logging.getLogger(__name__)


def bot_commands(commands: Iterable[Command], language: str) -> list[BotCommand]:
    t = translator(language)
    return [BotCommand(command.name, t.gettext(command.description)) for command in commands]


async def publish_default_menus(bot: Bot, default_language: str) -> None:
    """The menu everyone sees, in the language of their Telegram app (or the default)."""
    everyone = commands_for(None)
    for language in SUPPORTED_LANGUAGES:
        await bot.set_my_commands(bot_commands(everyone, language), language_code=language)
    await bot.set_my_commands(bot_commands(everyone, default_language))


async def publish_coordinator_menu(bot: Bot, chat_id: int, language: str) -> None:
    """A coordinator's own chat shows the coordinator commands."""
    await publish_menu(bot, chat_id, commands_for(Role.COORDINATOR), language)


async def publish_chat_menu(bot: Bot, participant: Participant) -> None:
    """One person's menu, in the language they chose in the bot."""
    await publish_menu(
        bot, participant.chat_id, commands_for(participant.role), participant.language
    )


async def publish_menu(bot: Bot, chat_id: int, commands: Iterable[Command], language: str) -> None:
    try:
        await bot.set_my_commands(
            bot_commands(commands, language), scope=BotCommandScopeChat(chat_id)
        )
    except TelegramError as error:
        # A coordinator who never opened the bot has no chat yet; /start sets the menu then.
        log.info("a chat's command menu was not set: %s", error)
