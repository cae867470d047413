"""A participant's privacy: /consent (see it, withdraw it), /mydata (a copy of their data) and
/delete (erase it); and the daily erasure after the retention period."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import datetime, tzinfo
from html import escape

from babel.dates import format_time
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot import matchmaking, privacy, registration, scopes
from bot.handlers import questions as view
from bot.handlers.common import participant_of, remove_buttons, send, services_of, tr
from bot.handlers.matching import deliver
from bot.handlers.review import decided_label
from bot.handlers.texts import outcome_labels
from bot.i18n import LANGUAGE_NAMES, Translator, translator
from bot.model.pairs import Outcome, Side
from bot.model.participants import Participant, Role
from bot.model.questionnaire import load
from bot.model.screening import Decision
from bot.outcomes import Now
from bot.privacy import Consent, Erasure, MyData, StoppedPair
from bot.services import Services

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
# pv1:<action>:<participant id>. The id is checked against the person pressing.
BUTTON_PATTERN = r"^pv1:(w|wy|wn|dy|dn):(\d+)$"
RETENTION_JOB = "retention"


def _button(label: str, action: str, participant: Participant) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=f"pv1:{action}:{participant.id}")


async def _participant_or_refuse(update: Update, context: Context) -> Participant | None:
    participant = await participant_of(update, context)
    if privacy.takes_part(participant):
        return participant
    await send(
        update,
        tr(participant).gettext(
            "This command is for mentors and mentees. Coordinators' data is kept by the programme."
        ),
    )
    return None


# -- /consent ----------------------------------------------------------------------------------


async def consent_command(update: Update, context: Context) -> None:
    """/consent: what the person agreed to and when; Withdraw while a consent stands."""
    participant = await _participant_or_refuse(update, context)
    if participant is None:
        return
    services = services_of(context)
    t = tr(participant)
    given = await privacy.consents(services, participant)
    if not given:
        await send(
            update,
            t.gettext(
                "You have not given your consent yet. I ask for it before the first questions."
            ),
        )
        return
    lines = [consent_line(t, services.config.timezone, consent) for consent in given]
    latest = given[-1]
    lines.append("")
    lines.append(t.gettext("What you agreed to:"))
    lines.append(f"<i>{escape(t.gettext(latest.text))}</i>")
    keyboard = None
    if any(consent.standing for consent in given):
        keyboard = InlineKeyboardMarkup(
            [[_button(t.gettext("Withdraw my consent"), "w", participant)]]
        )
    else:
        lines.append("")
        lines.append(t.gettext("If you want us to erase your data, type /delete."))
    await send(update, "\n".join(lines), reply_markup=keyboard)


def consent_line(t: Translator, zone: tzinfo, consent: Consent) -> str:
    line = t.gettext("{questionnaire}: you agreed on {date} (text version {version}).").format(
        questionnaire=t.gettext(load(consent.questionnaire).title),
        date=_when(t, zone, consent.given_at),
        version=consent.version,
    )
    if consent.withdrawn_at is not None:
        line += " " + t.gettext("You withdrew it on {date}.").format(
            date=_when(t, zone, consent.withdrawn_at)
        )
    return line


async def ask_withdrawal(update: Update, context: Context, participant: Participant) -> bool:
    """Withdraw pressed: ask once more, if a consent still stands."""
    given = await privacy.consents(services_of(context), participant)
    if not any(consent.standing for consent in given):
        return False
    t = tr(participant)
    await send(
        update,
        t.gettext(
            "Do you want to withdraw your consent? Then the programme stops: no more check-ins, "
            "and your mentoring is paused. The coordinator is told. Your data is kept until you "
            "ask us to erase it."
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    _button(t.gettext("Yes, withdraw"), "wy", participant),
                    _button(t.gettext("No, keep it"), "wn", participant),
                ]
            ]
        ),
    )
    return True


async def confirm_withdrawal(update: Update, context: Context, participant: Participant) -> bool:
    services = services_of(context)
    coordinators = await scopes.coordinators_of_person(services, participant.id)
    stopped = await privacy.withdraw(services, participant)
    if stopped is None:
        return False
    t = tr(participant)
    await send(
        update,
        t.gettext(
            "Your consent is withdrawn. You get no more check-ins. If you want us to erase "
            "your data as well, type /delete."
        ),
    )
    await tell_others(context.bot, services, participant, stopped)
    role = participant.role
    name = await name_of(services, participant.id, role)
    others = await names_of_others(services, role, stopped)

    def render(ct: Translator) -> str:
        who = (
            ct.gettext("{name} ({role}) has withdrawn their consent.").format(
                name=escape(name), role=role_label(ct, role)
            )
            if name
            else ct.gettext("Participant #{number} ({role}) has withdrawn their consent.").format(
                number=participant.id, role=role_label(ct, role)
            )
        )
        return "\n".join([who, *stopped_lines(ct, stopped, others)])

    await tell(context.bot, services, coordinators, render)
    log.info("participant %s withdrew consent", participant.id)
    return True


# -- /mydata -----------------------------------------------------------------------------------


async def mydata_command(update: Update, context: Context) -> None:
    """/mydata: everything the programme holds about the person, as a file in their language."""
    participant = await _participant_or_refuse(update, context)
    if participant is None:
        return
    services = services_of(context)
    t = tr(participant)
    data = await privacy.my_data(services, participant)
    text = export_text(t, services.config.timezone, data)
    chat = update.effective_chat
    assert chat is not None
    day = data.made_at.astimezone(services.config.timezone).date().isoformat()
    await chat.send_document(document=text.encode("utf-8"), filename=f"mentorbro-my-data-{day}.txt")
    await send(
        update,
        t.gettext(
            "This file holds everything the programme keeps about you. To erase it, type /delete."
        ),
    )
    log.info("participant %s got a copy of their data", participant.id)


def export_text(t: Translator, zone: tzinfo, data: MyData) -> str:
    """The copy as a person reads it: labels in their language, dates in their format."""
    sections = [
        [
            t.gettext("Your data in the mentoring programme"),
            t.gettext("Made on {date}.").format(date=_when(t, zone, data.made_at)),
        ],
        _profile(t, zone, data),
        _consents(t, zone, data),
        *(_run(t, zone, run) for run in data.runs),
        _decisions(t, zone, data),
        _pairs(t, zone, data),
        _journal(t, zone, data),
        _follow_ups(t, zone, data),
    ]
    return "\n\n".join("\n".join(lines) for lines in sections if lines) + "\n"


def _profile(t: Translator, zone: tzinfo, data: MyData) -> list[str]:
    person = data.participant
    return [
        _heading(t.gettext("About you")),
        t.gettext("Your number in the programme: {number}").format(number=person.id),
        t.gettext("Your Telegram user id: {id}").format(id=person.telegram_user_id),
        t.gettext("Role: {role}").format(role=role_label(t, person.role)),
        t.gettext("Language: {language}").format(language=LANGUAGE_NAMES[person.language]),
        t.gettext("First message to the bot: {date}").format(
            date=_when(t, zone, person.created_at)
        ),
    ]


def _consents(t: Translator, zone: tzinfo, data: MyData) -> list[str]:
    if not data.consents:
        return []
    return [_heading(t.gettext("Your consents"))] + [
        consent_line(t, zone, consent) for consent in data.consents
    ]


def _run(t: Translator, zone: tzinfo, run: privacy.ExportedRun) -> list[str]:
    questionnaire = load(run.questionnaire)
    if run.submitted_at is not None:
        state = t.gettext("Sent on {date}.").format(date=_when(t, zone, run.submitted_at))
    else:
        state = t.gettext("Started on {date}, not sent.").format(
            date=_when(t, zone, run.started_at)
        )
    lines = [_heading(t.gettext(questionnaire.title)), state]
    for question in questionnaire.questions:
        if question.id in run.answers:
            shown = view.display(t, question, run.answers[question.id])
            lines.append(f"{t.gettext(question.label)}: {shown}")
    return lines


def _decisions(t: Translator, zone: tzinfo, data: MyData) -> list[str]:
    if not data.decisions:
        return []
    lines = [_heading(t.gettext("The coordinators' decisions on your screening"))]
    for decision in data.decisions:
        lines.append(
            f"{_when(t, zone, decision.decided_at)}: "
            f"{decided_label(t, Decision(decision.decision))}"
        )
        if decision.note:
            lines.append(t.gettext("Note: {note}").format(note=decision.note))
    return lines


def _pairs(t: Translator, zone: tzinfo, data: MyData) -> list[str]:
    if not data.pairs:
        return []
    outcomes = outcome_labels(t)
    lines = [_heading(t.gettext("Your mentoring"))]
    for pair in data.pairs:
        side = t.gettext("Mentor") if pair.as_mentor else t.gettext("Mentee")
        lines.append(
            t.gettext("Pair {number}, you as {role}: proposed {date}").format(
                number=pair.id, role=side, date=_when(t, zone, pair.proposed_at)
            )
        )
        if pair.started_at is not None:
            lines.append(
                "  " + t.gettext("Started: {date}").format(date=_when(t, zone, pair.started_at))
            )
        if pair.ended_at is not None:
            outcome = outcomes[Outcome(pair.outcome) if pair.outcome else None]
            lines.append(
                "  "
                + t.gettext("Ended: {date} ({outcome})").format(
                    date=_when(t, zone, pair.ended_at), outcome=outcome
                )
            )
    return lines


def _journal(t: Translator, zone: tzinfo, data: MyData) -> list[str]:
    if not data.journal:
        return []
    lines = [_heading(t.gettext("Your check-ins and notes"))]
    for entry in data.journal:
        who = t.gettext("Note from the coordinator") if entry.by_coordinator else t.gettext("You")
        lines.append(f"{_when(t, zone, entry.at)} – {who}")
        if entry.kind == "checkin" and entry.side in ("mentor", "mentee"):
            questionnaire = load(f"checkin_{entry.side}")
            for question in questionnaire.questions:
                if question.id in entry.answers and question.id != "note":
                    raw = entry.answers[question.id]
                    value = tuple(raw) if isinstance(raw, list) else raw
                    shown = view.display(t, question, value)  # type: ignore[arg-type]
                    lines.append(f"  {t.gettext(question.label)}: {shown}")
        if entry.text:
            lines.append(f"  {entry.text}")
        if entry.voice:
            lines.append("  " + t.gettext("(a voice message)"))
    return lines


def _follow_ups(t: Translator, zone: tzinfo, data: MyData) -> list[str]:
    if not data.follow_ups:
        return []
    answers = {
        Now.WORK: t.gettext("I have a job"),
        Now.EDUCATION: t.gettext("I am in education"),
        Now.BOTH: t.gettext("Both: job and education"),
        Now.NEITHER: t.gettext("Neither, for now"),
    }
    lines = [_heading(t.gettext("After your mentoring"))]
    for follow_up in data.follow_ups:
        answer = answers[Now(follow_up.answer)] if follow_up.answer else "?"
        lines.append(
            t.ngettext(
                "After {months} month ({date}): {answer}",
                "After {months} months ({date}): {answer}",
                follow_up.months,
            ).format(
                months=t.number(follow_up.months),
                date=_when(t, zone, follow_up.answered_at),
                answer=answer,
            )
        )
    return lines


def _heading(text: str) -> str:
    return f"{text}\n{'=' * len(text)}"


def _when(t: Translator, zone: tzinfo, moment: datetime) -> str:
    """The day in words and the hour, in the programme's time zone: "23 November 2026 10:00"."""
    local = moment.astimezone(zone)
    return f"{t.date(local.date(), 'long')} {format_time(local, 'short', locale=t.locale)}"


# -- /delete -----------------------------------------------------------------------------------


async def delete_command(update: Update, context: Context) -> None:
    """/delete: ask before erasing; nothing happens without the confirming button."""
    participant = await _participant_or_refuse(update, context)
    if participant is None:
        return
    t = tr(participant)
    await send(
        update,
        t.gettext(
            "Do you want us to erase your data? Your name, your contact, your answers and your "
            "notes are erased, and you leave the programme. This cannot be undone. Only "
            "numbers without your name stay in the programme's statistics."
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    _button(t.gettext("Yes, erase my data"), "dy", participant),
                    _button(t.gettext("No, keep my data"), "dn", participant),
                ]
            ]
        ),
    )


async def confirm_erasure(update: Update, context: Context, participant: Participant) -> bool:
    services = services_of(context)
    # Asked before the erasure: afterwards a mentor's municipality is no longer known.
    coordinators = await scopes.coordinators_of_person(services, participant.id)
    erasure = await privacy.erase(services, participant.id, privacy.REQUEST)
    if erasure is None:
        return False
    others = await names_of_others(services, participant.role, erasure.stopped_pairs)
    await send(
        update,
        tr(participant).gettext(
            "Your data is erased. Thank you for taking part. If you write /start again, "
            "you begin as a new person."
        ),
    )
    await tell_others(context.bot, services, participant, erasure.stopped_pairs)
    await tell(context.bot, services, coordinators, lambda ct: erased_text(ct, erasure, others))
    log.info("participant %s erased on request", participant.id)
    return True


def erased_text(t: Translator, erasure: Erasure, others: dict[int, str]) -> str:
    return "\n".join(
        [
            t.gettext("Participant #{number} ({role}) has erased their data with /delete.").format(
                number=erasure.participant_id, role=role_label(t, _role(erasure.role))
            ),
            *stopped_lines(t, erasure.stopped_pairs, others),
        ]
    )


# -- told to the others ------------------------------------------------------------------------


async def tell_others(
    bot: Bot, services: Services, participant: Participant, stopped: list[StoppedPair]
) -> None:
    """The other side of each stopped pair hears it in their language, without a name."""
    for pair in stopped:
        other = await registration.participant(services, pair.other_id)
        if other is None:
            continue
        t = tr(other)
        if pair.proposal:
            text = t.gettext(
                "The match proposal is cancelled. The coordinator will look for another match."
            )
        elif participant.role is Role.MENTOR:
            text = t.gettext(
                "Your mentor has stopped taking part, so your mentoring is paused. The "
                "coordinator will contact you about what happens next."
            )
        else:
            text = t.gettext(
                "Your mentee has stopped taking part, so your mentoring is paused. The "
                "coordinator will contact you about what happens next."
            )
        await deliver(bot, services, other, text, None)


def stopped_lines(t: Translator, stopped: list[StoppedPair], others: dict[int, str]) -> list[str]:
    """What became of each pair, named by the side who stays (the one the coordinator calls)."""
    lines = []
    for pair in stopped:
        other = escape(others[pair.other_id])
        if pair.proposal:
            lines.append(t.gettext("The proposal to {name} is cancelled.").format(name=other))
        else:
            lines.append(
                t.gettext(
                    "The pair with {name} is paused: please talk to {name} and end the pair in "
                    "/pairs with its outcome."
                ).format(name=other)
            )
    return lines


async def name_of(services: Services, participant_id: int, role: Role | None) -> str | None:
    """The name a person gave in their questionnaire, as the coordinators know them; None
    before they gave one (or once it is erased)."""
    side = Side.MENTOR if role is Role.MENTOR else Side.MENTEE
    answers = await matchmaking.profile_answers(services, participant_id, side)
    return str(answers["name"]) if answers.get("name") else None


async def names_of_others(
    services: Services, role: Role | None, stopped: list[StoppedPair]
) -> dict[int, str]:
    """The other sides' names: a mentor's pairs are with mentees and the other way round."""
    other_role = Role.MENTEE if role is Role.MENTOR else Role.MENTOR
    return {
        pair.other_id: await name_of(services, pair.other_id, other_role) or f"#{pair.other_id}"
        for pair in stopped
    }


def role_label(t: Translator, role: Role | None) -> str:
    if role is Role.MENTOR:
        return t.gettext("Mentor")
    if role is Role.MENTEE:
        return t.gettext("Mentee")
    return t.gettext("no role chosen yet")


def _role(stored: str | None) -> Role | None:
    return Role(stored) if stored else None


# -- buttons -----------------------------------------------------------------------------------


async def on_button(update: Update, context: Context) -> None:
    """Withdraw, erase and their confirmations: only for the person they were sent to, and
    only while the consent still stands or the data is still there."""
    query = update.callback_query
    assert query is not None and context.match is not None
    action, owner = context.match.group(1), int(context.match.group(2))
    participant = await participant_of(update, context)
    t = tr(participant)
    if owner != participant.id or not privacy.takes_part(participant):
        await query.answer(t.gettext("This button is no longer active."), show_alert=True)
        return
    await query.answer()
    await remove_buttons(query)
    if not await BUTTON_ACTIONS[action](update, context, participant):
        await send(update, t.gettext("This is already done."))


async def keep_everything(update: Update, context: Context, participant: Participant) -> bool:
    await send(update, tr(participant).gettext("Good. Nothing has changed."))
    return True


ButtonAction = Callable[[Update, Context, Participant], Awaitable[bool]]
BUTTON_ACTIONS: dict[str, ButtonAction] = {
    "w": ask_withdrawal,
    "wy": confirm_withdrawal,
    "wn": keep_everything,
    "dy": confirm_erasure,
    "dn": keep_everything,
}


# -- the retention period ----------------------------------------------------------------------


async def retention_sweep(context: Context) -> None:
    """Daily: erase the data of participants whose last pair ended longer ago than
    RETENTION_DAYS, with the same erasure as /delete; the coordinators get the numbers."""
    services = services_of(context.application)
    erased: dict[int, list[int]] = defaultdict(list)  # coordinator: participants in their scope
    for participant_id in await privacy.retention_due(services):
        coordinators = await scopes.coordinators_of_person(services, participant_id)
        if await privacy.erase(services, participant_id, privacy.RETENTION) is not None:
            for coordinator_id in coordinators:
                erased[coordinator_id].append(participant_id)
            log.info("participant %s erased after the retention period", participant_id)
    days = services.config.retention_days
    for coordinator_id, numbers in erased.items():
        await tell(
            context.bot, services, [coordinator_id], lambda t, n=numbers: retention_text(t, n, days)
        )


def retention_text(t: Translator, numbers: list[int], days: int) -> str:
    return t.ngettext(
        "The data of {count} participant was erased: their last pair ended more than "
        "{days} days ago. Their number: {numbers}",
        "The data of {count} participants was erased: their last pair ended more than "
        "{days} days ago. Their numbers: {numbers}",
        len(numbers),
    ).format(
        count=t.number(len(numbers)),
        days=t.number(days),
        numbers=", ".join(f"#{number}" for number in numbers),
    )


async def tell(
    bot: Bot, services: Services, coordinator_ids: list[int], render: Callable[[Translator], str]
) -> None:
    """A message to these coordinators, each in their language."""
    for coordinator_id in coordinator_ids:
        t = translator(await registration.language_of(services, coordinator_id))
        try:
            await bot.send_message(coordinator_id, render(t))
        except (Forbidden, BadRequest) as error:
            log.info("a coordinator could not be told: %s", type(error).__name__)


HANDLERS = [
    CommandHandler("consent", consent_command, filters=filters.ChatType.PRIVATE),
    CommandHandler("mydata", mydata_command, filters=filters.ChatType.PRIVATE),
    CommandHandler("delete", delete_command, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(on_button, pattern=BUTTON_PATTERN),
]
