"""Stall alerts, the coordinator's side: the alert's buttons, /stalled, single alerts or digest.
The alert cards themselves: bot/handlers/alert_cards.py; the scan: bot/jobs/stall_scan.py."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler, filters

from bot import alerts, matchmaking, scopes
from bot.handlers.alert_cards import AlertAction, reason_text, scan_and_alert, update_alerts
from bot.handlers.callback_data import CallbackData
from bot.handlers.common import send, tr
from bot.handlers.context import BotContext
from bot.handlers.coordinator import coordinator_only, sender_scope
from bot.handlers.press import Press, Refused, on_press
from bot.handlers.texts import pair_names
from bot.i18n import N_, Translator
from bot.model.participants import Participant
from bot.services import Services

NO_ATTENTION = N_("This pair no longer needs attention.")


@dataclass(frozen=True)
class AlertChoice(CallbackData, prefix="as1"):
    """Single alerts, or a weekly digest."""

    choice: Literal["single", "digest"]


@on_press(AlertAction, coordinator=True)
async def on_alert(press: Press[AlertAction]) -> None:
    """ "I will contact them" or "Snooze 7 days": every coordinator's copy shows who did what."""
    services, t = press.services, press.t
    episode = await alerts.episode(services, press.data.episode_id)
    pair = await matchmaking.get(services, episode.pair_id) if episode else None
    if episode is None or pair is None or episode.closed_at is not None:
        raise Refused(NO_ATTENTION, remove_buttons=True)
    await press.require_pair_in_scope(pair.id)
    name = escape(press.query.from_user.full_name)
    if press.data.action == "take":
        if not await alerts.take(services, episode.id, press.participant.id):
            raise Refused(N_("Another coordinator has taken this already."), alert=False)
        await press.answer(t.gettext("Thank you. The others can see that you have it."))
        await update_alerts(
            press.outbox,
            episode,
            pair,
            lambda ct: ct.gettext("{name} will contact them.").format(name=name),
            taken=True,
        )
        return
    until = await alerts.snooze(services, episode.id)
    if until is None:
        raise Refused(NO_ATTENTION)
    await press.answer()
    day = until.astimezone(services.config.timezone).date()
    await update_alerts(
        press.outbox,
        episode,
        pair,
        lambda ct: ct.gettext("Snoozed by {name} until {date}.").format(
            name=name, date=ct.date(day)
        ),
        taken=episode.taken_by is not None,
    )


# -- /stalled and the digest -------------------------------------------------------------------


@coordinator_only
async def stalled_command(update: Update, context: BotContext, participant: Participant) -> None:
    """/stalled: a scan now (new alerts go out first), then the open episodes, and the choice
    between single alerts and a weekly digest."""
    services = context.services
    t = tr(participant)
    await scan_and_alert(context.outbox)
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
        reasons = " ".join(
            reason_text(t, f, now, services.config.timezone) for f in episode.findings
        )
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
    await send(update, "\n".join(lines), InlineKeyboardMarkup([[choice_button(t, digest)]]))


def choice_button(t: Translator, digest: bool) -> InlineKeyboardButton:
    """The way back from the coordinator's current choice."""
    if digest:
        return InlineKeyboardButton(
            t.gettext("Send me single alerts instead"),
            callback_data=AlertChoice("single").pack(),
        )
    return InlineKeyboardButton(
        t.gettext("Send me a weekly digest instead"), callback_data=AlertChoice("digest").pack()
    )


@on_press(AlertChoice, coordinator=True)
async def on_alert_choice(press: Press[AlertChoice]) -> None:
    t = press.t
    digest = press.data.choice == "digest"
    await alerts.choose_alerts(press.services, press.participant.id, digest)
    await press.answer()
    await press.remove_buttons()
    await press.reply(
        t.gettext(
            "From now on you get a weekly digest of the pairs that need attention. Urgent "
            "alerts still come at once."
        )
        if digest
        else t.gettext("From now on you get an alert as soon as a pair needs attention.")
    )


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
        lines += [
            "   " + reason_text(t, f, now, services.config.timezone) for f in item.risk.reasons
        ]
    return "\n".join(lines)


HANDLERS = [
    CommandHandler("stalled", stalled_command, filters=filters.ChatType.PRIVATE),
    on_alert,
    on_alert_choice,
]
