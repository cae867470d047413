"""Message texts shared by several handlers, rendered for one participant's language."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from html import escape

from bot import matchmaking
from bot.commands import commands_for
from bot.handlers import questions as view
from bot.i18n import Translator
from bot.model.journal import JournalEntry
from bot.model.pairs import Outcome, Pair, Side
from bot.model.participants import Role
from bot.model.questionnaire import Answer, load
from bot.services import Services


def command_list(t: Translator, role: Role | None) -> str:
    """One line per command: "/help – What I can do for you"."""
    return "\n".join(
        t.line(f"{t.command(command.name)} – {t.gettext(command.description)}")
        for command in commands_for(role)
    )


def help_text(t: Translator, role: Role | None) -> str:
    if role is Role.COORDINATOR:
        intro = t.gettext("Your commands as a coordinator:")
    elif role is Role.MENTOR:
        intro = t.gettext(
            "As a mentor you help a person who is new in Denmark on the way to a job in your "
            "field. The coordinator finds a mentee for you and follows up on how it goes."
        )
    elif role is Role.MENTEE:
        intro = t.gettext(
            "A mentor is a volunteer who works in the field you want to work in. The mentor "
            "helps you on the way to a job. The coordinator finds a mentor for you and follows "
            "up on how it goes."
        )
    else:
        intro = t.gettext(
            "I am the chat bot of the volunteer career mentor programme. Mentors are volunteers "
            "who help refugees find work in the mentor's own field. Type /start to choose if you "
            "want to be a mentor or are looking for a mentor."
        )
    return f"{intro}\n\n{command_list(t, role)}"


def registered_text(t: Translator, role: Role) -> str:
    if role is Role.MENTOR:
        return t.gettext("You are registered as a volunteer mentor.")
    return t.gettext("You are registered as looking for a mentor.")


def entry_text(services: Services, t: Translator, entry: JournalEntry) -> str:
    """One journal entry as a coordinator reads it."""
    when = t.datetime(entry.created_at, services.config.timezone, "short")
    who = {
        "mentor": t.gettext("Mentor"),
        "mentee": t.gettext("Mentee"),
        "coordinator": t.gettext("Coordinator"),
        "bot": t.gettext("Mentorbro"),
    }[entry.role]
    kinds = {
        "checkin": t.gettext("check-in"),
        "note": t.gettext("note"),
        "missed": t.gettext("did not answer the check-in"),
        "paused": t.gettext("paused their check-ins until {date}"),
        "unreachable": t.gettext("has blocked the bot"),
        "stalled": t.gettext("told the coordinators that the pair needs attention"),
        "recovered": t.gettext("the pair is back on track"),
    }
    paused_until = (
        t.date(date.fromisoformat(entry.text)) if entry.kind == "paused" and entry.text else ""
    )
    meeting = meeting_entry_text(t, services.config.timezone, entry.kind, entry.text)
    what = meeting or kinds.get(entry.kind, entry.kind).format(date=paused_until)
    head = f"<i>{when}</i> – <b>{who}</b>: {what}"
    details = []
    if entry.kind == "checkin" and entry.answers:
        questionnaire = load("checkin_mentor" if entry.role == "mentor" else "checkin_mentee")
        for question in questionnaire.questions:
            if question.id in entry.answers and question.id != "note":
                raw = entry.answers[question.id]
                value = tuple(raw) if isinstance(raw, list) else raw
                details.append(
                    f"{escape(t.gettext(question.label))}: "
                    f"{escape(view.display(t, question, value))}"
                )
    if entry.text and entry.kind in ("checkin", "note"):
        details.append(escape(entry.text))
    if entry.voice_file_id:
        details.append(t.gettext("(a voice message)"))
    if entry.private:
        details.append(t.gettext("(private: only coordinators see this)"))
    return "\n".join([head, *details])


def meeting_entry_text(t: Translator, zone: tzinfo, kind: str, text: str | None) -> str | None:
    """What a journal entry about a planned meeting says; None for other entries."""
    if kind == "meeting_reason":
        reasons = {
            "cancelled": t.gettext("the meeting did not happen: it was cancelled"),
            "moved": t.gettext("the meeting did not happen: it was moved"),
            "no_show": t.gettext("the meeting did not happen: someone did not come"),
        }
        return reasons.get(text or "")
    kinds = {
        "meeting_planned": t.gettext("planned a meeting for {when}"),
        "meeting_moved": t.gettext("moved the meeting to {when}"),
        "meeting_cancelled": t.gettext("cancelled the meeting of {when}"),
        "meeting_held": t.gettext("says the meeting of {when} took place"),
        "meeting_not_held": t.gettext("says the meeting of {when} did not take place"),
    }
    if kind not in kinds or not text:
        return None
    return kinds[kind].format(when=t.datetime(datetime.fromisoformat(text), zone, "short"))


def full_name(answers: dict[str, Answer]) -> str:
    """A person's name as they gave it in their questionnaire; "?" before they did."""
    return str(answers.get("name") or "?")


def first_name(answers: dict[str, Answer]) -> str:
    return full_name(answers).split()[0]


async def pair_names(services: Services, pair: Pair) -> str:
    """ "Mentor's name – mentee's name", as the coordinators know the pair."""
    mentor = await matchmaking.profile_answers(services, pair.mentor_id, Side.MENTOR)
    mentee = await matchmaking.profile_answers(services, pair.mentee_id, Side.MENTEE)
    return f"{full_name(mentor)} – {full_name(mentee)}"


def outcome_labels(t: Translator) -> dict[Outcome | None, str]:
    """How each outcome of a pair is named; None: the end was recorded without one."""
    return {
        Outcome.JOB: t.gettext("Ordinary job"),
        Outcome.SUBSIDISED_JOB: t.gettext("Job with wage subsidy (løntilskud)"),
        Outcome.IGU: t.gettext("Integration basic education (IGU)"),
        Outcome.INTERNSHIP: t.gettext("Company internship (virksomhedspraktik)"),
        Outcome.EDUCATION: t.pgettext("outcome", "Education"),
        Outcome.OTHER_PROGRESS: t.gettext("Other progress"),
        Outcome.DROPPED_OUT: t.gettext("Dropped out"),
        Outcome.MOVED_AWAY: t.gettext("Moved away"),
        None: t.gettext("No outcome recorded"),
    }
