"""The bot's commands per audience, as shown in Telegram's command menu and in /help."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_
from bot.model.participants import Role


@dataclass(frozen=True)
class Command:
    name: str
    description: str  # a msgid, translated where it is shown


START = Command("start", N_("Start or continue"))
HELP = Command("help", N_("What I can do for you"))
LANGUAGE = Command("language", N_("Change language"))
PARTICIPANTS = Command("participants", N_("Overview of the participants"))
PENDING = Command("pending", N_("Screenings waiting for a decision"))
INVITE = Command("invite", N_("Invitation link for a referred mentee"))
MATCH = Command("match", N_("Match a waiting mentee with a mentor"))
PAIRS = Command("pairs", N_("Active pairs: pause, resume or end"))
MENTORS = Command("mentors", N_("Ready mentors and how many mentees they take"))
JOURNAL = Command("journal", N_("Read a pair's journal"))
NOTE = Command("note", N_("Write a note in a pair's journal"))
PAUSE = Command("pause", N_("Take a break from the check-ins"))
MEETING = Command("meeting", N_("Plan, move or cancel your next meeting"))
NEW_LINK = Command("newlink", N_("Create a recruitment link"))
LINKS = Command("links", N_("Recruitment links and their results"))
STALLED = Command("stalled", N_("Pairs that need attention"))
REPORT = Command("report", N_("The programme's results"))
SUMMARY = Command("summary", N_("The results on one page, as a PDF"))
ANNOUNCE = Command("announce", N_("Send an announcement to a group"))
SCOPE = Command("scope", N_("Which municipalities each coordinator works for"))
STATUS = Command("status", N_("Whether the bot, its backups and check-ins work"))
COURSE = Command("course", N_("Mentor course dates, seats and attendance"))

MY_DATA = Command("mydata", N_("Get a copy of your data"))
CONSENT = Command("consent", N_("See or withdraw your consent"))
DELETE = Command("delete", N_("Erase your data"))

EVERYONE = (START, HELP, LANGUAGE, MEETING, PAUSE, MY_DATA, CONSENT, DELETE)
COORDINATOR_ONLY = (
    MATCH,
    PAIRS,
    STALLED,
    JOURNAL,
    NOTE,
    MENTORS,
    PENDING,
    COURSE,
    INVITE,
    PARTICIPANTS,
    REPORT,
    SUMMARY,
    ANNOUNCE,
    NEW_LINK,
    LINKS,
    SCOPE,
    STATUS,
)


def commands_for(role: Role | None) -> tuple[Command, ...]:
    """The commands a person with this role can use, in menu order."""
    if role is Role.COORDINATOR:
        return (*COORDINATOR_ONLY, HELP, LANGUAGE)
    return EVERYONE


def coordinator_command_names() -> frozenset[str]:
    return frozenset(command.name for command in COORDINATOR_ONLY)
