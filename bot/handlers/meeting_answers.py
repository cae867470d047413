"""The day-after answers: did the pair meet (yes counts as a meeting), and if not, why; either
way the next meeting is offered. The question itself is sent by bot/handlers/meeting_messages.py."""

from __future__ import annotations

from bot import meetings
from bot.handlers.meeting_buttons import (
    MeetingAnswer,
    MeetingReason,
    plan_keyboard,
    reason_keyboard,
)
from bot.handlers.press import Press, Refused, on_press
from bot.model.meetings import (
    Meeting,
    Notice,
)


async def asked(press: Press[MeetingAnswer] | Press[MeetingReason]) -> tuple[Notice, Meeting]:
    """The day-after question the button belongs to, if it is the presser's and still open."""
    found = await meetings.askable(press.services, press.data.notice_id, press.participant)
    if found is None:
        raise Refused(remove_buttons=True)
    return found


async def answered(press: Press[MeetingAnswer] | Press[MeetingReason], stored: bool) -> None:
    """The answer stored (else it had been given already): the buttons come off."""
    if not stored:
        raise Refused(remove_buttons=True)
    await press.answer()
    await press.remove_buttons()


@on_press(MeetingAnswer)
async def on_answer(press: Press[MeetingAnswer]) -> None:
    """Yes counts as a meeting; No asks why and offers to plan a new one."""
    notice, meeting = await asked(press)
    held = press.data.held == "yes"
    await answered(press, await meetings.answer(press.services, notice, meeting, held))
    if held:
        await press.reply(
            press.t.gettext("Good to hear! It is saved for the coordinator."),
            plan_keyboard(press.t, meeting.pair_id),
        )
    else:
        await press.reply(press.t.gettext("What happened?"), reason_keyboard(press.t, notice))


@on_press(MeetingReason)
async def on_reason(press: Press[MeetingReason]) -> None:
    notice, meeting = await asked(press)
    reason = press.data.reason
    await answered(press, await meetings.give_reason(press.services, notice, meeting, reason))
    await press.reply(
        press.t.gettext("Thank you. Do you want to plan a new meeting?"),
        plan_keyboard(press.t, meeting.pair_id),
    )


HANDLERS = [on_answer, on_reason]
