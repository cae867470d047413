"""Lasting effect: three and six months after a pair ends, the mentee is asked whether they
are in work or education now. The answers are counted apart from the outcome at the end."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from bot.checkins import window
from bot.model.checkins import Window
from bot.model.outcomes import FollowUp
from bot.services import Services
from storage import outcomes as store

FOLLOW_UP_MONTHS = (3, 6)
DAYS_IN_MONTH = 30.44  # a calendar month on average


class Now(StrEnum):
    """What the mentee does now."""

    WORK = "work"
    EDUCATION = "education"
    BOTH = "both"
    NEITHER = "neither"


def due_at(ended_at: datetime, months: int, daytime: Window) -> datetime:
    """The follow-up's time: `months` after the end, inside the daytime window."""
    return daytime.place(ended_at + timedelta(days=round(months * DAYS_IN_MONTH)))


async def schedule_missing(services: Services) -> None:
    """A follow-up at 3 and at 6 months for the mentee of each pair that ended."""
    daytime = window(services)
    for pair_id, mentee_id, ended_at in await store.ended_without_follow_ups(services.db):
        for months in FOLLOW_UP_MONTHS:
            due = due_at(ended_at, months, daytime)
            await store.schedule(services.db, pair_id, mentee_id, months, due)


async def to_send(services: Services) -> list[FollowUp]:
    """Follow-ups due now, and any a crash left half-sent."""
    if not window(services).contains(services.clock()):
        return []
    return await store.due(services.db, services.clock())


async def begin_sending(services: Services, follow_up: FollowUp) -> bool:
    return await store.begin_sending(services.db, follow_up.id)


async def mark_sent(services: Services, follow_up: FollowUp) -> None:
    await store.mark_sent(services.db, follow_up.id, services.clock())


async def answer(
    services: Services, follow_up_id: int, participant_id: int, now_doing: Now
) -> bool:
    """Record the mentee's answer; False if it was answered already or is not theirs."""
    return await store.answer(
        services.db, follow_up_id, participant_id, now_doing.value, services.clock()
    )
