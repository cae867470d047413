"""/mydata: everything the programme holds about a person, as a text file in their language,
with dates and numbers in their locale."""

from __future__ import annotations

import logging
from datetime import tzinfo

from telegram import Update

from bot import outbox, privacy
from bot.handlers import questions as view
from bot.handlers.common import send, tr
from bot.handlers.context import BotContext
from bot.handlers.privacy_shared import consent_line, role_label, taking_part, when
from bot.handlers.review import decided_label
from bot.handlers.texts import meeting_entry_text, outcome_labels
from bot.i18n import LANGUAGE_NAMES, Translator
from bot.model.pairs import Outcome
from bot.model.questionnaire import load
from bot.model.screening import Decision
from bot.outcomes import Now
from bot.privacy import MyData

log = logging.getLogger(__name__)


async def mydata_command(update: Update, context: BotContext) -> None:
    """/mydata: everything the programme holds about the person, as a file in their language."""
    participant = await taking_part(update, context)
    if participant is None:
        return
    services = context.services
    t = tr(participant)
    data = await privacy.my_data(services, participant)
    text = export_text(t, services.config.timezone, data)
    day = data.made_at.astimezone(services.config.timezone).date().isoformat()
    await outbox.reply_file(
        context.bot, participant.chat_id, text.encode("utf-8"), f"mentorbro-my-data-{day}.txt"
    )
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
            t.gettext("Made on {date}.").format(date=when(t, zone, data.made_at)),
        ],
        _profile(t, zone, data),
        _consents(t, zone, data),
        *(_run(t, zone, run) for run in data.runs),
        _decisions(t, zone, data),
        _course(t, zone, data),
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
        t.gettext("First message to the bot: {date}").format(date=when(t, zone, person.created_at)),
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
        state = t.gettext("Sent on {date}.").format(date=when(t, zone, run.submitted_at))
    else:
        state = t.gettext("Started on {date}, not sent.").format(date=when(t, zone, run.started_at))
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
            f"{when(t, zone, decision.decided_at)}: {decided_label(t, Decision(decision.decision))}"
        )
        if decision.note:
            lines.append(t.gettext("Note: {note}").format(note=decision.note))
    return lines


def _course(t: Translator, zone: tzinfo, data: MyData) -> list[str]:
    if not data.course_seats:
        return []
    statuses = {
        "booked": t.gettext("seat"),
        "waiting": t.gettext("waiting list"),
        "cancelled": t.gettext("cancelled"),
    }
    lines = [_heading(t.gettext("Mentor course"))]
    for seat in data.course_seats:
        line = f"{when(t, zone, seat.starts_at)}, {seat.place or ''}: {statuses[seat.status]}"
        if seat.attended is not None:
            line += ", " + (t.gettext("came") if seat.attended else t.gettext("did not come"))
        lines.append(line)
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
                number=pair.id, role=side, date=when(t, zone, pair.proposed_at)
            )
        )
        if pair.started_at is not None:
            lines.append(
                "  " + t.gettext("Started: {date}").format(date=when(t, zone, pair.started_at))
            )
        if pair.ended_at is not None:
            outcome = outcomes[Outcome(pair.outcome) if pair.outcome else None]
            lines.append(
                "  "
                + t.gettext("Ended: {date} ({outcome})").format(
                    date=when(t, zone, pair.ended_at), outcome=outcome
                )
            )
    return lines


def _journal(t: Translator, zone: tzinfo, data: MyData) -> list[str]:
    if not data.journal:
        return []
    lines = [_heading(t.gettext("Your check-ins and notes"))]
    for entry in data.journal:
        who = t.gettext("Note from the coordinator") if entry.by_coordinator else t.gettext("You")
        lines.append(f"{when(t, zone, entry.at)} – {who}")
        if entry.kind == "checkin" and entry.side in ("mentor", "mentee"):
            questionnaire = load(f"checkin_{entry.side}")
            for question in questionnaire.questions:
                if question.id in entry.answers and question.id != "note":
                    raw = entry.answers[question.id]
                    value = tuple(raw) if isinstance(raw, list) else raw
                    shown = view.display(t, question, value)  # type: ignore[arg-type]
                    lines.append(f"  {t.gettext(question.label)}: {shown}")
        meeting = meeting_entry_text(t, zone, entry.kind, entry.text)
        if meeting or entry.text:
            lines.append(f"  {meeting or entry.text}")
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
                date=when(t, zone, follow_up.answered_at),
                answer=answer,
            )
        )
    return lines


def _heading(text: str) -> str:
    return f"{text}\n{'=' * len(text)}"
