"""Stall alerts as the coordinators see them: the card, its buttons, sending and updating it.

An alert goes to every coordinator whose municipalities include the pair, in their language;
a coordinator who chose the weekly digest gets only the urgent ones. Each copy is remembered,
so a press on one shows on all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from html import escape
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import alerts, matchmaking, registration, scopes
from bot.handlers.callback_data import CallbackData
from bot.handlers.pairs import EndPair
from bot.handlers.texts import entry_text, pair_names
from bot.i18n import Translator, translator
from bot.model.pairs import Pair, PairStatus, Side
from bot.model.stalls import Episode, Finding, Reason
from bot.outbox import Outbox
from bot.services import Services


@dataclass(frozen=True)
class AlertAction(CallbackData, prefix="al1"):
    """A coordinator takes a stall alert, or snoozes it."""

    episode_id: int
    action: Literal["take", "snooze"]


async def alert_pair(outbox: Outbox, pair_id: int) -> None:
    """Scan one pair now (someone asked for the coordinator or blocked the bot)."""
    await scan_and_alert(outbox, pair_id)


async def scan_and_alert(outbox: Outbox, pair_id: int | None = None) -> None:
    """Scan (every pair, or one) and send the alerts, one scan at a time: so an episode whose
    alert is not marked as sent is one a crash cut off, and the scan sends it again."""
    services = outbox.services
    async with services.alert_lock:
        for episode in await alerts.scan(services, pair_id):
            await send_alert(outbox, episode)


async def send_alert(outbox: Outbox, episode: Episode) -> None:
    """The alert, to each coordinator in their language; a coordinator who chose the weekly
    digest gets only the urgent ones (someone asks for them, feels unsure, blocked the bot).
    Only the coordinators whose municipalities include the pair are alerted."""
    services = outbox.services
    pair = await matchmaking.get(services, episode.pair_id)
    if pair is None:
        return
    for coordinator_id in await scopes.coordinators_of_pair(services, pair.id):
        if not alerts.urgent(episode) and await digest_only(services, coordinator_id):
            continue
        language = await registration.language_of(services, coordinator_id)
        t = translator(language)
        text = await alert_text(services, t, episode, pair)
        sent = await outbox.send(coordinator_id, text, keyboard(t, episode, pair))
        if sent.message_id is not None:
            await alerts.remember_message(
                services, episode.id, coordinator_id, sent.message_id, language
            )
    await alerts.alerted(services, episode.id)


async def digest_only(services: Services, coordinator_id: int) -> bool:
    person = await registration.participant_by_telegram_id(services, coordinator_id)
    return person is not None and await alerts.wants_digest(services, person.id)


async def update_alerts(
    outbox: Outbox,
    episode: Episode,
    pair: Pair,
    status: Callable[[Translator], str],
    *,
    taken: bool,
) -> None:
    """Every coordinator's copy of the alert shows what was done, in their language now
    (they may have changed it since the alert came)."""
    services = outbox.services
    for chat_id, message_id, _ in await alerts.messages_of(services, episode.id):
        t = translator(await registration.language_of(services, chat_id))
        await outbox.edit(
            chat_id,
            message_id,
            await alert_text(services, t, episode, pair, status(t)),
            keyboard(t, episode, pair, taken=taken),
        )


async def alert_text(
    services: Services, t: Translator, episode: Episode, pair: Pair, status: str = ""
) -> str:
    now = services.clock()
    since = min(f.since for f in episode.findings)
    lines = [
        "<b>" + t.gettext("A pair needs your attention") + "</b>",
        escape(await pair_names(services, pair)),
        "",
        *(
            "• " + reason_text(t, finding, now, services.config.timezone)
            for finding in episode.findings
        ),
        t.ngettext(
            "Since {date} ({days} day).", "Since {date} ({days} days).", days_between(since, now)
        ).format(
            date=t.date(since.astimezone(services.config.timezone).date()),
            days=t.number(days_between(since, now)),
        ),
    ]
    entries = await alerts.latest_entries(services, pair.id)
    if entries:
        lines += ["", "<b>" + t.gettext("Latest in the journal") + "</b>"]
        lines += [entry_text(services, t, entry) for entry in entries]
    if status:
        lines += ["", status]
    return "\n".join(lines)


def days_between(since: datetime, now: datetime) -> int:
    return max((now - since).days, 0)


def reason_text(t: Translator, finding: Finding, now: datetime, zone: tzinfo) -> str:
    """One reason, in words a coordinator reads at a glance."""
    mentor = finding.side is Side.MENTOR
    days = t.number(days_between(finding.since, now))
    count = t.number(finding.count)
    match finding.reason:
        case Reason.NO_MEETING:
            return t.gettext("No meeting reported for {days} days.").format(days=days)
        case Reason.MISSED_CHECKINS:
            text = (
                t.gettext("The mentor left {count} check-ins in a row unanswered.")
                if mentor
                else t.gettext("The mentee left {count} check-ins in a row unanswered.")
            )
            return text.format(count=count)
        case Reason.DIFFICULT:
            text = (
                t.gettext("The mentor said “difficult” {count} times in a row.")
                if mentor
                else t.gettext("The mentee said “not useful” {count} times in a row.")
            )
            return text.format(count=count)
        case Reason.WANTS_CONTACT:
            if mentor:
                return t.gettext("The mentor asks you to get in touch.")
            return t.gettext("The mentee asks you to get in touch.")
        case Reason.UNSURE:
            if mentor:
                return t.gettext(
                    "The mentor feels unsure about the mentorship. "
                    "The mentee does not know about this."
                )
            return t.gettext(
                "The mentee feels unsure about the mentorship. The mentor does not know about this."
            )
        case Reason.UNREACHABLE:
            if mentor:
                return t.gettext("The mentor has blocked the bot.")
            return t.gettext("The mentee has blocked the bot.")
        case Reason.PROPOSAL_UNANSWERED:
            text = (
                t.gettext("The mentor has not answered the match proposal for {days} days.")
                if mentor
                else t.gettext("The mentee has not answered the match proposal for {days} days.")
            )
            return text.format(days=days)
        case Reason.DIVERGENCE:
            return t.gettext(
                "Mentor and mentee answered the same check-in very differently: worth a call."
            )
        case Reason.MEETING_UNCONFIRMED:
            return t.gettext(
                "Neither mentor nor mentee confirmed the meeting planned for {date}."
            ).format(date=t.date(finding.since.astimezone(zone).date()))
        case Reason.MEETING_NOT_HELD:
            text = (
                t.gettext("The mentor says the meeting planned for {date} did not take place.")
                if mentor
                else t.gettext("The mentee says the meeting planned for {date} did not take place.")
            )
            return text.format(date=t.date(finding.since.astimezone(zone).date()))


def keyboard(
    t: Translator, episode: Episode, pair: Pair, *, taken: bool = False
) -> InlineKeyboardMarkup:
    rows = []
    if not taken:
        rows.append(
            [
                InlineKeyboardButton(
                    t.gettext("I will contact them"),
                    callback_data=AlertAction(episode.id, "take").pack(),
                )
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(
                t.gettext("Snooze 7 days"), callback_data=AlertAction(episode.id, "snooze").pack()
            )
        ]
    )
    if pair.status is not PairStatus.PROPOSED:  # a proposal lapses by itself
        rows.append(
            [InlineKeyboardButton(t.gettext("End the pair"), callback_data=EndPair(pair.id).pack())]
        )
    return InlineKeyboardMarkup(rows)
