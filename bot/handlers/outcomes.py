"""Three and six months after a pair ended: is the mentee in work or education now?"""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardMarkup, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot import outcomes, registration
from bot.handlers.common import participant_of, remove_buttons, send, services_of, tr
from bot.handlers.keyboards import one_per_row
from bot.i18n import Translator, translator
from bot.outcomes import FollowUp, Now
from bot.services import Services

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE


async def outcome_follow_ups(context: Context) -> None:
    """Schedule what is missing; inside the daytime window ask those that are due."""
    services = services_of(context.application)
    await outcomes.schedule_missing(services)
    for follow_up in await outcomes.to_send(services):
        if await outcomes.begin_sending(services, follow_up):
            await ask(context.bot, services, follow_up)


async def ask(bot: Bot, services: Services, follow_up: FollowUp) -> None:
    person = await registration.participant(services, follow_up.participant_id)
    if person is None:
        return
    t = translator(person.language)
    text = t.ngettext(
        "Hello again! It is {months} month since your mentorship ended. We would like to know "
        "how you are doing. Do you work or study now?",
        "Hello again! It is {months} months since your mentorship ended. We would like to know "
        "how you are doing. Do you work or study now?",
        follow_up.months,
    ).format(months=t.number(follow_up.months))
    try:
        await bot.send_message(person.chat_id, text, reply_markup=keyboard(t, follow_up))
    except Forbidden:
        await registration.mark_unreachable(services, person.telegram_user_id)
    except TelegramError as error:
        log.warning("follow-up %s not sent: %s", follow_up.id, type(error).__name__)
        return  # stays pending: the next run sends it
    await outcomes.mark_sent(services, follow_up)


def keyboard(t: Translator, follow_up: FollowUp) -> InlineKeyboardMarkup:
    labels = {
        Now.WORK: t.gettext("I have a job"),
        Now.EDUCATION: t.gettext("I am in education"),
        Now.BOTH: t.gettext("Both: job and education"),
        Now.NEITHER: t.gettext("Neither, for now"),
    }
    return one_per_row((label, f"of1:{follow_up.id}:{now.value}") for now, label in labels.items())


async def on_answer(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and context.match is not None
    participant = await participant_of(update, context)
    t = tr(participant)
    follow_up_id, chosen = int(context.match.group(1)), Now(context.match.group(2))
    if not await outcomes.answer(services_of(context), follow_up_id, participant.id, chosen):
        await query.answer(t.gettext("This button is no longer active."))
        await remove_buttons(query)
        return
    await query.answer()
    await remove_buttons(query)
    await send(
        update,
        t.gettext("Thank you! Your answer helps the programme help others. Good luck!"),
    )


HANDLERS = [
    CallbackQueryHandler(on_answer, pattern=r"^of1:(\d+):(work|education|both|neither)$"),
]
