"""Three and six months after a pair ended: is the mentee in work or education now?

bot/jobs/outcome_follow_ups.py asks when it is due; the mentee answers with a button."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from bot import outcomes, registration
from bot.handlers.callback_data import CallbackData
from bot.handlers.keyboards import one_per_row
from bot.handlers.press import Press, Refused, on_press
from bot.i18n import Translator, translator
from bot.outbox import Delivery, Outbox
from bot.outcomes import FollowUp, Now


@dataclass(frozen=True)
class OutcomeAnswer(CallbackData, prefix="of1"):
    """The mentee's answer to a follow-up: of1:<follow-up>:<now>."""

    follow_up_id: int
    now: Now


async def ask(outbox: Outbox, follow_up: FollowUp) -> None:
    """Ask the mentee; marked sent unless it failed (then the next run asks again)."""
    services = outbox.services
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
    sent = await outbox.send(person.chat_id, text, keyboard(t, follow_up))
    if sent.delivery is not Delivery.FAILED:  # a blocked bot is not asked again
        await outcomes.mark_sent(services, follow_up)


def keyboard(t: Translator, follow_up: FollowUp) -> InlineKeyboardMarkup:
    labels = {
        Now.WORK: t.gettext("I have a job"),
        Now.EDUCATION: t.gettext("I am in education"),
        Now.BOTH: t.gettext("Both: job and education"),
        Now.NEITHER: t.gettext("Neither, for now"),
    }
    return one_per_row(
        (label, OutcomeAnswer(follow_up.id, now).pack()) for now, label in labels.items()
    )


@on_press(OutcomeAnswer)
async def on_answer(press: Press[OutcomeAnswer]) -> None:
    """The mentee's answer, once; anyone else's press changes nothing."""
    data = press.data
    if not await outcomes.answer(press.services, data.follow_up_id, press.participant.id, data.now):
        raise Refused(alert=False, remove_buttons=True)
    await press.answer()
    await press.remove_buttons()
    await press.reply(
        press.t.gettext("Thank you! Your answer helps the programme help others. Good luck!")
    )


HANDLERS = [on_answer]
