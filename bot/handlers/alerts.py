"""Stall alerts to the coordinators: the scan job, the alert's buttons, /stalled, the digest."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from html import escape

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot import alerts, matchmaking, registration, scopes
from bot.alerts import Episode
from bot.handlers.common import remove_buttons, send, services_of, tr
from bot.handlers.coordinator import (
    coordinator_only,
    coordinator_pressing,
    pair_in_scope,
    sender_scope,
)
from bot.handlers.pairs import EndPair
from bot.handlers.texts import entry_text, pair_names
from bot.i18n import Translator, translator
from bot.model.pairs import Pair, PairStatus, Side
from bot.model.participants import Participant
from bot.model.stalls import Finding, Reason
from bot.services import Services

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE


# -- scanning and alerting ---------------------------------------------------------------------


async def stall_scan(context: Context) -> None:
    """The scheduled scan: alert about new episodes, then send the digests that are due."""
    services = services_of(context.application)
    await scan_and_alert(context.bot, services)
    await send_digests(context.bot, services)


async def alert_pair(bot: Bot, services: Services, pair_id: int) -> None:
    """Scan one pair now (someone asked for the coordinator or blocked the bot)."""
    await scan_and_alert(bot, services, pair_id)


async def scan_and_alert(bot: Bot, services: Services, pair_id: int | None = None) -> None:
    """Scan (every pair, or one) and send the alerts, one scan at a time: so an episode whose
    alert is not marked as sent is one a crash cut off, and the scan sends it again."""
    async with services.alert_lock:
        for episode in await alerts.scan(services, pair_id):
            await send_alert(bot, services, episode)


async def send_alert(bot: Bot, services: Services, episode: Episode) -> None:
    """The alert, to each coordinator in their language; a coordinator who chose the weekly
    digest gets only the urgent ones (someone asks for them, feels unsure, blocked the bot).
    Only the coordinators whose municipalities include the pair are alerted."""
    pair = await matchmaking.get(services, episode.pair_id)
    if pair is None:
        return
    for coordinator_id in await scopes.coordinators_of_pair(services, pair.id):
        if not alerts.urgent(episode) and await digest_only(services, coordinator_id):
            continue
        language = await registration.language_of(services, coordinator_id)
        t = translator(language)
        text = await alert_text(services, t, episode, pair)
        try:
            sent = await bot.send_message(
                coordinator_id, text, reply_markup=keyboard(t, episode, pair)
            )
        except (Forbidden, BadRequest) as error:
            log.info("a coordinator could not be alerted: %s", type(error).__name__)
            continue
        await alerts.remember_message(
            services, episode.id, coordinator_id, sent.message_id, language
        )
    await alerts.alerted(services, episode.id)


async def digest_only(services: Services, coordinator_id: int) -> bool:
    person = await registration.participant_by_telegram_id(services, coordinator_id)
    return person is not None and await alerts.wants_digest(services, person.id)


async def alert_text(
    services: Services, t: Translator, episode: Episode, pair: Pair, status: str = ""
) -> str:
    now = services.clock()
    since = min(f.since for f in episode.findings)
    lines = [
        "<b>" + t.gettext("A pair needs your attention") + "</b>",
        escape(await pair_names(services, pair)),
        "",
        *("• " + reason_text(t, finding, now) for finding in episode.findings),
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


def reason_text(t: Translator, finding: Finding, now: datetime) -> str:
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


def keyboard(
    t: Translator, episode: Episode, pair: Pair, *, taken: bool = False
) -> InlineKeyboardMarkup:
    rows = []
    if not taken:
        rows.append(
            [
                InlineKeyboardButton(
                    t.gettext("I will contact them"), callback_data=f"al1:{episode.id}:take"
                )
            ]
        )
    rows.append(
        [InlineKeyboardButton(t.gettext("Snooze 7 days"), callback_data=f"al1:{episode.id}:snooze")]
    )
    if pair.status is not PairStatus.PROPOSED:  # a proposal lapses by itself
        rows.append(
            [InlineKeyboardButton(t.gettext("End the pair"), callback_data=EndPair(pair.id).pack())]
        )
    return InlineKeyboardMarkup(rows)


# -- the alert's buttons -----------------------------------------------------------------------


async def on_alert(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and context.match is not None
    coordinator = await coordinator_pressing(update, context)
    if coordinator is None:
        return
    services = services_of(context)
    t = tr(coordinator)
    episode_id, action = int(context.match.group(1)), context.match.group(2)
    episode = await alerts.episode(services, episode_id)
    pair = await matchmaking.get(services, episode.pair_id) if episode else None
    if episode is None or pair is None or episode.closed_at is not None:
        await query.answer(t.gettext("This pair no longer needs attention."), show_alert=True)
        await remove_buttons(query)
        return
    if not await pair_in_scope(update, context, coordinator, pair.id):
        return
    name = escape(query.from_user.full_name)
    if action == "take":
        if not await alerts.take(services, episode.id, coordinator.id):
            await query.answer(t.gettext("Another coordinator has taken this already."))
            return
        await query.answer(t.gettext("Thank you. The others can see that you have it."))
        await update_alerts(
            context.bot,
            services,
            episode,
            pair,
            lambda ct: ct.gettext("{name} will contact them.").format(name=name),
            taken=True,
        )
    else:
        until = await alerts.snooze(services, episode.id)
        if until is None:
            await query.answer(t.gettext("This pair no longer needs attention."), show_alert=True)
            return
        await query.answer()
        day = until.astimezone(services.config.timezone).date()
        await update_alerts(
            context.bot,
            services,
            episode,
            pair,
            lambda ct: ct.gettext("Snoozed by {name} until {date}.").format(
                name=name, date=ct.date(day)
            ),
            taken=episode.taken_by is not None,
        )


async def update_alerts(
    bot: Bot,
    services: Services,
    episode: Episode,
    pair: Pair,
    status: Callable[[Translator], str],
    *,
    taken: bool,
) -> None:
    """Every coordinator's copy of the alert shows what was done, in their language now
    (they may have changed it since the alert came)."""
    for chat_id, message_id, _ in await alerts.messages_of(services, episode.id):
        t = translator(await registration.language_of(services, chat_id))
        try:
            await bot.edit_message_text(
                await alert_text(services, t, episode, pair, status(t)),
                chat_id=chat_id,
                message_id=message_id,
                reply_markup=keyboard(t, episode, pair, taken=taken),
            )
        except (Forbidden, BadRequest) as error:
            log.info("an alert could not be updated: %s", type(error).__name__)


# -- /stalled and the digest -------------------------------------------------------------------


@coordinator_only
async def stalled_command(update: Update, context: Context, participant: Participant) -> None:
    """/stalled: a scan now (new alerts go out first), then the open episodes, and the choice
    between single alerts and a weekly digest."""
    services = services_of(context)
    t = tr(participant)
    await scan_and_alert(context.bot, services)
    episodes = await alerts.open_episodes(services)
    inside = await scopes.pairs_in(
        services, await sender_scope(context, participant), (e.pair_id for e in episodes)
    )
    episodes = [episode for episode in episodes if episode.pair_id in inside]
    now = services.clock()
    lines = ["<b>" + t.gettext("Pairs that need attention") + "</b>"]
    for number, episode in enumerate(episodes, start=1):
        pair = await matchmaking.get(services, episode.pair_id)
        if pair is None:
            continue
        reasons = " ".join(reason_text(t, f, now) for f in episode.findings)
        lines.append(f"{t.number(number)}. <b>{escape(await pair_names(services, pair))}</b>")
        lines.append(reasons)
        if episode.taken_by is not None:
            lines.append("<i>" + t.gettext("A coordinator is on it.") + "</i>")
        if episode.snoozed_until is not None and episode.snoozed_until > now:
            day = episode.snoozed_until.astimezone(services.config.timezone).date()
            lines.append(
                "<i>" + t.gettext("Snoozed until {date}.").format(date=t.date(day)) + "</i>"
            )
    if not episodes:
        lines.append(t.gettext("No pair needs attention right now."))
    digest = await alerts.wants_digest(services, participant.id)
    choice = (
        InlineKeyboardButton(t.gettext("Send me single alerts instead"), callback_data="as1:single")
        if digest
        else InlineKeyboardButton(
            t.gettext("Send me a weekly digest instead"), callback_data="as1:digest"
        )
    )
    await send(update, "\n".join(lines), InlineKeyboardMarkup([[choice]]))


async def on_alert_choice(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and context.match is not None
    coordinator = await coordinator_pressing(update, context)
    if coordinator is None:
        return
    t = tr(coordinator)
    digest = context.match.group(1) == "digest"
    await alerts.choose_alerts(services_of(context), coordinator.id, digest)
    await query.answer()
    await remove_buttons(query)
    await send(
        update,
        t.gettext(
            "From now on you get a weekly digest of the pairs that need attention. Urgent "
            "alerts still come at once."
        )
        if digest
        else t.gettext("From now on you get an alert as soon as a pair needs attention."),
    )


async def send_digests(bot: Bot, services: Services) -> None:
    """The weekly digest to each coordinator who chose it and is due one."""
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
        t = tr(person)
        try:
            await bot.send_message(coordinator_id, await digest_text(services, t, mine))
        except (Forbidden, BadRequest) as error:
            log.info("a digest could not be sent: %s", type(error).__name__)
            continue
        await alerts.mark_digest_sent(services, person.id)


async def digest_text(services: Services, t: Translator, ranked: list[alerts.Ranked]) -> str:
    now = services.clock()
    lines = ["<b>" + t.gettext("Weekly digest: pairs that need attention") + "</b>"]
    if not ranked:
        lines.append(t.gettext("No pair needs attention right now."))
    for number, item in enumerate(ranked[: alerts.DIGEST_SIZE], start=1):
        pair = await matchmaking.get(services, item.pair_id)
        if pair is None:
            continue
        lines.append(
            f"{t.number(number)}. <b>{escape(await pair_names(services, pair))}</b> – "
            + t.gettext("risk {score}").format(score=t.number(round(item.risk.score, 1)))
        )
        lines += ["   " + reason_text(t, f, now) for f in item.risk.reasons]
    return "\n".join(lines)


HANDLERS = [
    CommandHandler("stalled", stalled_command, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(on_alert, pattern=r"^al1:(\d+):(take|snooze)$"),
    CallbackQueryHandler(on_alert_choice, pattern=r"^as1:(single|digest)$"),
]
