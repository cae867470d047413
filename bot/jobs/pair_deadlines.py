"""Hourly: the dates in a pair's life. An unanswered proposal is reminded once and lapses after
two weeks; an agreed period that is over asks both how to close; a pause that ended resumes."""

from __future__ import annotations

from html import escape

from bot import matchmaking, scopes
from bot.handlers.agreement import ask_how_to_close, tell_both
from bot.handlers.context import BotContext
from bot.handlers.pairs import resumed_text
from bot.handlers.proposals import send_proposal
from bot.handlers.texts import pair_names
from bot.model.pairs import Pair, PairStatus, waiting_for
from bot.outbox import Outbox


async def pair_deadlines(context: BotContext) -> None:
    """Remind an unanswered proposal once, let it lapse after two weeks, ask how to close an
    agreed period that is over, resume ended pauses."""
    services, outbox = context.services, context.outbox
    remind, lapsing = await matchmaking.proposals_due(services)
    for pair in remind:
        for side in waiting_for(pair):
            await send_proposal(outbox, pair, side, reminder=True)
        await matchmaking.mark_reminded(services, pair)
    for pair in lapsing:
        lapsed = await matchmaking.lapse(services, pair)
        if lapsed is not None:
            await announce_lapse(outbox, lapsed)
    for pair in await matchmaking.closings_due(services):
        await ask_how_to_close(outbox, pair)
    today = services.clock().date()
    for pair, _ in await matchmaking.open_pairs(services):
        if pair.status is PairStatus.PAUSED and pair.resume_on and pair.resume_on <= today:
            resumed = await matchmaking.resume(services, pair.id, None)
            if resumed is not None:
                await tell_both(outbox, resumed, resumed_text)


async def announce_lapse(outbox: Outbox, pair: Pair) -> None:
    await tell_both(
        outbox,
        pair,
        lambda t: t.gettext(
            "The proposal has expired, because it was not answered within two weeks. The "
            "coordinator will look further."
        ),
    )
    names = await pair_names(outbox.services, pair)
    await outbox.to_coordinators(
        await scopes.coordinators_of_pair(outbox.services, pair.id),
        lambda t: t.gettext(
            "A proposal lapsed after two weeks without answers: {names}. The mentee is back on "
            "the /match list."
        ).format(names=escape(names)),
    )
