"""The context every handler and job gets: the services, the outbox, and the person, once.

`ContextTypes(context=BotContext)` in bot/app.py makes PTB build this class; PTB builds one
context per update and hands it to every handler group, so the guard (group -1) resolves the
participant once and every handler after it reads `context.participant`.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext

from bot.bot_api import MentorbroBot
from bot.i18n import Translator, translator
from bot.logs import PARTICIPANT_ID
from bot.model.participants import Participant
from bot.outbox import Outbox
from bot.registration import Contact, identify
from bot.services import Services

SERVICES_KEY = "services"
OUTBOX_KEY = "outbox"


def services_of(holder: CallbackContext[Any, Any, Any, Any] | Application) -> Services:
    """The services of the running application (tests and start-up, where no update is)."""
    application = holder if isinstance(holder, Application) else holder.application
    return application.bot_data[SERVICES_KEY]


class BotContext(CallbackContext[MentorbroBot, dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """CallbackContext with the bot's services, its outbox and the participant of the update."""

    def __init__(
        self,
        application: Application,
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self._participant: Participant | None = None

    @property
    def services(self) -> Services:
        return self.application.bot_data[SERVICES_KEY]

    @property
    def outbox(self) -> Outbox:
        return self.application.bot_data[OUTBOX_KEY]

    @property
    def participant(self) -> Participant:
        """The person behind the update, as the guard found them before any handler ran."""
        if self._participant is None:
            raise RuntimeError("the participant is resolved by the guard, before handlers run")
        return self._participant

    @property
    def t(self) -> Translator:
        """The translator of the participant's language."""
        return translator(self.participant.language)

    async def resolve_participant(self, update: Update) -> Participant:
        """Who sent the update (created or refreshed in storage); kept for this update."""
        if self._participant is None:
            self._participant = await identify(self.services, contact_of(update))
            PARTICIPANT_ID.set(self._participant.id)  # for this update's log lines
        return self._participant

    def participant_changed(self, participant: Participant) -> None:
        """The handler changed the person (e.g. their language): later reads see it."""
        self._participant = participant


def contact_of(update: Update) -> Contact:
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        raise ValueError("an update without a sender has no participant")
    return Contact(telegram_user_id=user.id, chat_id=chat.id, language_code=user.language_code)
