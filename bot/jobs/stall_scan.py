"""Hourly (STALL_SCAN_MINUTES): alert about pairs that stall, then send the weekly digests due."""

from __future__ import annotations

from bot import alerts, registration, scopes
from bot.handlers.alert_cards import scan_and_alert
from bot.handlers.alerts import digest_text
from bot.handlers.context import BotContext
from bot.i18n import translator
from bot.outbox import Outbox


async def stall_scan(context: BotContext) -> None:
    """The scheduled scan: alert about new episodes, then send the digests that are due."""
    await scan_and_alert(context.outbox)
    await send_digests(context.outbox)


async def send_digests(outbox: Outbox) -> None:
    """The weekly digest to each coordinator who chose it and is due one."""
    services = outbox.services
    ranked = None
    for coordinator_id in sorted(services.config.coordinator_ids):
        person = await registration.participant_by_telegram_id(services, coordinator_id)
        if person is None or not await alerts.digest_due(services, person.id):
            continue
        if ranked is None:
            ranked = await alerts.ranked(services)
        scope = await scopes.scope_of(services, coordinator_id)
        inside = await scopes.pairs_in(services, scope, (item.pair_id for item in ranked))
        mine = [item for item in ranked if item.pair_id in inside]
        text = await digest_text(services, translator(person.language), mine)
        if (await outbox.send(coordinator_id, text)).ok:
            await alerts.mark_digest_sent(services, person.id)
