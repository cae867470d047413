"""The bot watching itself: the figures /metrics shows from the database, and in webhook mode
whether Telegram still has the webhook (no post may come for hours on a quiet day)."""

from __future__ import annotations

import logging

from bot import operations
from bot.handlers.context import BotContext

log = logging.getLogger(__name__)

FIGURES_JOB = "ops-figures"
WEBHOOK_JOB = "webhook-check"


async def refresh_figures(context: BotContext) -> None:
    """Read the counts once a minute, so a scrape never waits for the database."""
    await operations.refresh_figures(context.services)


async def check_webhook(context: BotContext) -> None:
    """Telegram still posts to our address: /healthz counts that as updates coming in."""
    services = context.services
    webhook = services.config.webhook
    assert webhook is not None
    info = await context.bot.get_webhook_info()
    if info.url == webhook.url:
        services.monitor.webhook_seen()
    else:
        log.warning("Telegram has no webhook for this bot's WEBHOOK_URL any more")
