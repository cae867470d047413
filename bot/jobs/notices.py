"""Every 15 minutes (and soon after a start): one-off notices a crash cut off are sent after all.

Each notice has a told-at marker (bot/notices.py): the state change was stored, the bot died
before the notice went out, so the scan finds it unmarked, sends it and marks it.
"""

from __future__ import annotations

import logging

from bot import notices
from bot.handlers.context import BotContext
from bot.handlers.intake import mentee_status_text, tell_coordinators_ready
from bot.handlers.proposals import announce_pair
from bot.handlers.review import screening_thanks, send_new_screening, tell_mentor
from bot.i18n import translator
from bot.model.mentees import INTAKE

log = logging.getLogger(__name__)


async def resend_notices(context: BotContext) -> None:
    """The scheduled scan: each notice still unmarked is sent, then marked."""
    services, outbox = context.services, context.outbox
    for pair in await notices.unannounced_pairs(services):
        log.info("announcing pair %s after a restart", pair.id)
        await announce_pair(outbox, pair)
    for screening in await notices.untold_screenings(services):
        log.info("sending screening %s for review after a restart", screening.screening.run_id)
        await send_new_screening(outbox, screening)
    for decision, mentor in await notices.untold_decisions(services):
        log.info("telling participant %s of decision %s after a restart", mentor.id, decision.id)
        if (await tell_mentor(outbox, mentor, decision.decision)).final:
            await notices.decision_told(services, decision)
    for untold in await notices.untold_intakes(services):
        log.info("sending intake %s to the coordinators after a restart", untold.intake.run_id)
        await tell_coordinators_ready(outbox, untold.mentee, untold.intake, untold.run)
    for run, person in await notices.unthanked_runs(services):
        log.info("thanking participant %s for run %s after a restart", person.id, run.id)
        t = translator(person.language)
        if run.questionnaire == INTAKE:
            thanks = mentee_status_text(t, thanks=True)
        else:
            thanks = screening_thanks(t)
        if (await outbox.send(person.chat_id, thanks)).final:
            await notices.thanked(services, run)
