"""The notices scan: one-off notices a crash cut off are sent after all (see bot/notices.py)."""

from __future__ import annotations

import logging

from telegram.ext import ContextTypes

from bot import notices
from bot.handlers.common import services_of
from bot.handlers.intake import tell_coordinators_ready
from bot.handlers.matching import announce_pair
from bot.handlers.review import send_new_screening, tell_mentor

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE


async def resend_notices(context: Context) -> None:
    """The scheduled scan: each notice still unmarked is sent, then marked."""
    services = services_of(context.application)
    bot = context.bot
    for pair in await notices.unannounced_pairs(services):
        log.info("announcing pair %s after a restart", pair.id)
        await announce_pair(context.outbox, pair)
    for screening in await notices.untold_screenings(services):
        log.info("sending screening %s for review after a restart", screening.screening.run_id)
        await send_new_screening(bot, services, screening)
    for decision, mentor in await notices.untold_decisions(services):
        log.info("telling participant %s of decision %s after a restart", mentor.id, decision.id)
        await tell_mentor(bot, services, mentor, decision.decision)
        await notices.decision_told(services, decision)
    for untold in await notices.untold_intakes(services):
        log.info("sending intake %s to the coordinators after a restart", untold.intake.run_id)
        await tell_coordinators_ready(context.outbox, untold.mentee, untold.intake, untold.run)
