"""One way to handle a button press: `@on_press(Data, ...)` over `async def handler(press)`.

The decorator does what every press needs, in one place:
- parses the typed callback data (the handler's pattern comes from the same class);
- refuses, in the presser's language and changing nothing, a press by someone who is not a
  coordinator where one is needed, or by a coordinator outside the municipalities of the pair
  or the people the data names;
- turns `Refused` (stale data, the wrong person, a pair in the wrong state) into one answer;
- answers the press when the handler did not, so no button keeps spinning.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler

from bot import privacy, scopes
from bot.bot_api import MentorbroBot
from bot.handlers.callback_data import CallbackData
from bot.handlers.common import send
from bot.handlers.context import BotContext
from bot.i18n import N_, Translator
from bot.model.participants import Participant
from bot.outbox import NOT_MODIFIED, Outbox, ReplyMarkup, uneditable
from bot.services import Services

D = TypeVar("D", bound=CallbackData)
NO_LONGER_ACTIVE = N_("This button is no longer active.")
ONLY_COORDINATORS = N_("Only the programme's coordinators can do this.")
OUT_OF_SCOPE = N_("This is not in your municipalities.")
WITHDRAWN = N_("You withdrew your consent; /consent to give it again.")
# What Telegram says to the answer of a press it no longer waits for.
QUERY_GONE = "query is too old"


class Refused(Exception):
    """Raised by a press handler before it changes anything: the presser reads `msgid`."""

    def __init__(
        self, msgid: str = NO_LONGER_ACTIVE, *, alert: bool = True, remove_buttons: bool = False
    ) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.alert = alert
        self.remove_buttons = remove_buttons


@dataclass
class Press(Generic[D]):
    """A button press: who pressed what, and the ways to answer it."""

    update: Update
    context: BotContext
    query: CallbackQuery
    data: D
    answered: bool = field(default=False, init=False)

    @property
    def participant(self) -> Participant:
        return self.context.participant

    @property
    def t(self) -> Translator:
        return self.context.t

    @property
    def services(self) -> Services:
        return self.context.services

    @property
    def outbox(self) -> Outbox:
        return self.context.outbox

    @property
    def bot(self) -> MentorbroBot:
        return self.context.bot

    async def answer(self, text: str | None = None, *, alert: bool = False) -> None:
        """The little answer on the button (Telegram takes one a press, within seconds)."""
        self.answered = True
        try:
            await self.query.answer(text, show_alert=alert)
        except BadRequest as error:
            # A press replayed after a crash (bot/inbox.py) was answered before, or is too old
            # to answer: the handler goes on, and what the answer said goes to the chat.
            if QUERY_GONE not in error.message.lower():
                raise
            if text:
                await self.reply(text)

    async def reply(self, text: str, markup: ReplyMarkup | None = None) -> Message:
        """A new message in the presser's chat."""
        return await send(self.update, text, markup)

    async def remove_buttons(self) -> None:
        """Take the buttons off the pressed message, so the same choice is not offered twice."""
        await self.replace_buttons(None)

    async def replace_buttons(self, markup: InlineKeyboardMarkup | None) -> None:
        """Show other buttons under the pressed message, or none."""
        pressed = self.query.message
        if pressed is None:  # a press on an inline message, which the bot never sends
            return
        try:
            await self.bot.edit_buttons(pressed.chat.id, pressed.message_id, markup)
        except BadRequest as error:
            # Pressed twice, or a forwarded copy the bot cannot edit: nothing to change.
            if not uneditable(error):
                raise

    async def closed(self, *, alert: bool = True) -> Refused:
        """The refusal of a press on a question that is closed: after a withdrawal of consent
        it says so, otherwise that the button is no longer active."""
        if await privacy.withdrawn(self.services, self.participant):
            return Refused(WITHDRAWN, remove_buttons=True)
        return Refused(alert=alert, remove_buttons=True)

    async def require_pair_in_scope(self, pair_id: int) -> None:
        """Refuse a coordinator outside the municipalities of this pair."""
        scope = await scopes.scope_of(self.services, self.participant.telegram_user_id)
        if not await scopes.includes_pair(self.services, scope, pair_id):
            raise Refused(OUT_OF_SCOPE)

    async def require_people_in_scope(self, participant_ids: Iterable[int]) -> None:
        """Refuse a coordinator outside the municipalities of these participants."""
        wanted = set(participant_ids)
        scope = await scopes.scope_of(self.services, self.participant.telegram_user_id)
        if await scopes.people_in(self.services, scope, wanted) != wanted:
            raise Refused(OUT_OF_SCOPE)

    async def show(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """The pressed message turns into the next step of what was pressed; one that cannot
        be changed (a forwarded copy, an old or deleted message) is sent as a new message."""
        if not await self._edit_text(text, markup):
            await self.reply(text, markup)

    async def replace_message(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Show another text (and buttons) in the pressed message, if it can be changed."""
        await self._edit_text(text, markup)

    async def _edit_text(self, text: str, markup: InlineKeyboardMarkup | None) -> bool:
        """Whether the pressed message shows this now (a press twice finds it so already)."""
        pressed = self.query.message
        if not isinstance(pressed, Message):  # too old for Telegram to include
            return False
        try:
            await self.bot.edit_text(pressed.chat.id, pressed.message_id, text, markup)
        except BadRequest as error:
            if not uneditable(error):
                raise
            return NOT_MODIFIED in error.message.lower()
        return True


PressCallback = Callable[[Press[D]], Awaitable[None]]


def on_press(
    data: type[D],
    *,
    coordinator: bool = False,
    pair: Callable[[D], int] | None = None,
    people: Callable[[D], Iterable[int]] | None = None,
) -> Callable[[PressCallback[D]], CallbackQueryHandler]:
    """The handler of one kind of button. `coordinator`: only coordinators may press it;
    `pair` / `people`: the pair or participants it acts on, which must be in the pressing
    coordinator's municipalities."""

    def decorate(handler: PressCallback[D]) -> CallbackQueryHandler:
        async def handle(update: Update, context: BotContext) -> None:
            query = update.callback_query
            parsed = data.parse(query.data if query else None)
            if query is None or parsed is None:  # the pattern matched, so this cannot be
                raise ValueError(f"not {data.__name__} data")
            press = Press(update, context, query, parsed)
            try:
                await _check_rights(press, coordinator, pair, people)
                await handler(press)
            except Refused as refusal:
                await _refuse(press, refusal)
                return
            if not press.answered:
                await press.answer()

        handle.__name__ = handle.__qualname__ = handler.__name__
        handle.__doc__ = handler.__doc__
        return CallbackQueryHandler(handle, pattern=data.pattern())

    return decorate


async def _check_rights(
    press: Press[D],
    coordinator: bool,
    pair: Callable[[D], int] | None,
    people: Callable[[D], Iterable[int]] | None,
) -> None:
    if coordinator and not press.services.is_coordinator(press.participant.telegram_user_id):
        raise Refused(ONLY_COORDINATORS)
    if pair is not None:
        await press.require_pair_in_scope(pair(press.data))
    if people is not None:
        await press.require_people_in_scope(people(press.data))


async def _refuse(press: Press[D], refusal: Refused) -> None:
    text = press.t.gettext(refusal.msgid)
    if press.answered:  # the press was answered before the refusal: the chat carries it
        await press.reply(text)
    else:
        await press.answer(text, alert=refusal.alert)
    if refusal.remove_buttons:
        await press.remove_buttons()
