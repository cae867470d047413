"""/status: for coordinators, whether the bot works: uptime, backups, scans (the bot's own), and
check-ins, alerts and blocks (counted in the coordinator's municipalities)."""

from __future__ import annotations

from datetime import tzinfo
from html import escape

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot import operations
from bot.handlers.common import send, tr
from bot.handlers.context import BotContext
from bot.handlers.coordinator import coordinator_only, sender_scope
from bot.handlers.questions import scope_text
from bot.i18n import N_, Translator
from bot.model.operations import ScanRun
from bot.model.participants import Participant
from bot.operations import Status

BYTES_PER_MB = 1_000_000
SCAN_NAMES = {
    "checkin-wave": N_("Check-ins"),
    "questionnaire-reminders": N_("Questionnaire reminders"),
    "pair-deadlines": N_("Proposals and pair dates"),
    "announcements": N_("Announcements"),
    "notices": N_("Notices after a restart"),
    "outcome-follow-ups": N_("Follow-ups after a pair"),
    "stall-scan": N_("Stalled pairs"),
    "retention": N_("Erasure after the retention period"),
    "daily-backup": N_("Daily backup"),
    "ops-figures": N_("Figures for monitoring"),
    "webhook-check": N_("Webhook check"),
}


@coordinator_only
async def status_command(update: Update, context: BotContext, participant: Participant) -> None:
    """/status: how the bot itself is doing, in the coordinator's language."""
    scope = await sender_scope(context, participant)
    status = await operations.status(context.services, scope)
    await send(update, status_text(tr(participant), status, context.services.config.timezone))


def status_text(t: Translator, status: Status, zone: tzinfo) -> str:
    title = t.gettext("Bot status")
    lines = [
        f"<b>{title}</b>",
        t.gettext("Running for {uptime}, version {version}.").format(
            uptime=t.duration(status.uptime), version=t.isolate(status.version)
        ),
        backup_line(t, status, zone),
        *scan_lines(t, status, zone),
    ]
    if status.within is not None:
        lines.append(
            t.gettext(
                "Only your municipalities are counted below: {municipalities}. The lines above "
                "are about the whole bot."
            ).format(municipalities=scope_text(t, status.within))
        )
    lines += [
        t.gettext("Check-ins this week: {sent} sent, {answered} answered.").format(
            sent=t.number(status.this_week.sent), answered=t.number(status.this_week.answered)
        ),
        t.gettext("Open alerts about stalled pairs: {count}").format(
            count=t.number(status.programme.open_alerts)
        ),
        t.gettext("People who blocked the bot: {count}").format(
            count=t.number(status.programme.unreachable_participants)
        ),
    ]
    return "\n".join(t.line(line) for line in lines)


def scan_lines(t: Translator, status: Status, zone: tzinfo) -> list[str]:
    if not status.failed_scans:
        return [t.gettext("No scheduled task has failed.")]
    heading = t.gettext("Last failure of each scheduled task:")
    return [heading, *(failure_line(t, run, zone) for run in status.failed_scans)]


def backup_line(t: Translator, status: Status, zone: tzinfo) -> str:
    run = status.backup_run
    if run is not None and run.last_run_failed:
        assert run.last_failed_at is not None
        return t.gettext("The last daily backup failed, at {time}.").format(
            time=t.datetime(run.last_failed_at, zone, "short")
        )
    if status.last_backup is None:
        return t.gettext("No backup yet.")
    moment, size = status.last_backup
    return t.gettext("Last backup: {time} ({size} MB), it succeeded.").format(
        time=t.datetime(moment, zone, "short"),
        size=t.number(round(size / BYTES_PER_MB, 1)),
    )


def failure_line(t: Translator, run: ScanRun, zone: tzinfo) -> str:
    assert run.last_failed_at is not None
    name = t.gettext(SCAN_NAMES[run.name]) if run.name in SCAN_NAMES else run.name
    when = t.datetime(run.last_failed_at, zone, "short")
    # Only punctuation around the translated name: the error is a class name, as logged.
    return f"• {escape(name)}: {when} ({t.isolate(escape(run.last_error or '?'))})"


HANDLERS = [CommandHandler("status", status_command, filters=filters.ChatType.PRIVATE)]
