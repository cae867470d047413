"""User stories shared by the end-to-end tests: what a person types and presses.

Sections: the answers people give; reading what the bot wrote; a newcomer's first steps and
questionnaires; coordinators, screening and matching; a pair's life; check-ins and alerts.
"""

from __future__ import annotations

from bot.i18n import LANGUAGE_NAMES, translator
from bot.model.questionnaire import Kind, Question, load
from sandbox import BotApiEmulator, SimulatedUser
from sandbox.views import BotMessage
from tests.conftest import COORDINATOR_ID, RunningBot

# -- the answers people give -------------------------------------------------------------------

BIDI_CONTROLS = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069\u200e\u200f"))
ROLE_BUTTONS = {"mentor": "I want to volunteer as a mentor", "mentee": "I am looking for a mentor"}

# A mentor's answers as they would type or press them (option ids for buttons).
MENTOR_ANSWERS: dict[str, object] = {
    "consent": "yes",
    "name": "Amal Hassan",
    "job_title": "Nurse at the emergency ward",
    "field": "health",
    "years": "12",
    "employer": None,  # skipped
    "education": "Nurse (professional bachelor)",
    "languages": ("da", "ar"),
    "municipality": "Aarhus",
    "frequency": "twice_monthly",
    "mode": "both",
    "capacity": "2",
    "motivation": "I came to Denmark myself and know how hard the first job is to find.",
    "volunteered": "yes",
    "volunteering": "Homework café for children in Gellerup, two years.",
    "heard_from": "friend",
    "contact": "+45 12 34 56 78",
    "share_contact": "yes",
}


MENTEE_ANSWERS: dict[str, object] = {
    "consent": "yes",
    "name": "Yusuf Ali",
    "field": "it",
    "education": "Bachelor in computer science, Damascus University",
    "experience": "Five years as a web developer in Syria",
    "danish": "everyday",
    "languages": ("ar", "en"),
    "municipality": "København",
    "goal": "job",
    "frequency": "weekly",
    "mode": "in_person",
    "contact": "+45 87 65 43 21",
    "share_contact": "yes",
}
MENTEE = {**MENTEE_ANSWERS, "field": "health"}  # the same field as MENTOR_ANSWERS'
MENTOR_PHONE = str(MENTOR_ANSWERS["contact"])
MENTEE_PHONE = str(MENTEE_ANSWERS["contact"])
# Every screening question but the one asked only of those who speak "other languages".
ASKED = [
    question.id for question in load("screening").questions if question.id != "languages_other"
]

# -- reading what the bot wrote ----------------------------------------------------------------


def visible(text: str | None) -> str:
    """A message's text without the invisible marks that keep inserted words in place."""
    return (text or "").translate(BIDI_CONTROLS)


def question_in(text: str, language: str, questionnaire: str = "screening") -> Question | None:
    """Which question a message asks, by its text in the person's language."""
    t = translator(language)
    for question in load(questionnaire).questions:
        # Compared without bidi marks: the Arabic catalog keeps /commands left to right.
        if visible(t.gettext(question.text)) in visible(text):
            return question
    return None


# -- a newcomer: /start, language, role and the questionnaires -----------------------------------


async def read_introduction(user: SimulatedUser, language: str) -> None:
    """Press Next under each message about mentoring until the intake's first question."""
    t = translator(language)
    start_questions = t.gettext("Start the questions ›")
    while start_questions not in user.last.button_texts:
        await user.press(t.gettext("Next ›"))
        await user.next_message()
    await user.press(start_questions)
    await user.next_messages(2)  # the intake's introduction and its first question


async def onboard(
    emulator: BotApiEmulator, user_id: int, language: str, role: str
) -> SimulatedUser:
    """/start, the language and the role; for a mentor up to the screening's first question."""
    user = emulator.user(user_id, first_name="Test", language_code=language)
    await user.send("/start")
    await user.next_message()
    await user.press(LANGUAGE_NAMES[language])
    await user.next_messages(2)
    await user.press(translator(language).gettext(ROLE_BUTTONS[role]))
    # A mentor hears thanks, the screening's introduction and its first question; a mentee
    # a welcome and the first message about mentoring.
    await user.next_messages(3 if role == "mentor" else 2)
    return user


async def answer(user: SimulatedUser, language: str, question: Question, value: object) -> None:
    """Answer one question as a person does: type, press, tick and press Done, or Skip."""
    t = translator(language)
    if value is None:
        await user.press(t.gettext("Skip ›"))
    elif question.kind is Kind.YES_NO:
        await user.press(t.gettext("Yes") if value == "yes" else t.gettext("No"))
    elif question.kind is Kind.SINGLE:
        option = question.option(str(value))
        assert option is not None
        await user.press(t.gettext(option.label))
    elif question.kind is Kind.MUNICIPALITY:
        await user.send(str(value))
        await user.next_message()  # "Aarhus?"
        await user.press(t.gettext("Yes"))
    elif question.kind is Kind.MULTI:
        assert isinstance(value, tuple)
        for option_id in value:
            option = question.option(option_id)
            assert option is not None
            shown = user.last
            await user.press(t.gettext(option.label))
            await user.wait_for_edit(shown)
        await user.press(t.gettext("Done"))
    else:
        await user.send(str(value))
    await user.next_message()


async def answer_until(
    user: SimulatedUser,
    language: str,
    answers: dict[str, object],
    stop_before: str | None = None,
    questionnaire: str = "screening",
) -> list[str]:
    """Answer question after question until the summary (or `stop_before`); returns the ids."""
    asked = []
    while True:
        question = question_in(user.last.text or "", language, questionnaire)
        if question is None or question.id == stop_before:
            return asked
        asked.append(question.id)
        await answer(user, language, question, answers[question.id])


async def submitted_screening(
    emulator: BotApiEmulator,
    user_id: int,
    language: str = "en",
    answers: dict[str, object] = MENTOR_ANSWERS,
) -> SimulatedUser:
    """A mentor who has sent the screening; returns the mentor."""
    mentor = await onboard(emulator, user_id, language, "mentor")
    await answer_until(mentor, language, answers)
    await mentor.press(translator(language).gettext("Send my answers"))
    await mentor.next_message()
    return mentor


async def waiting_mentee(
    emulator: BotApiEmulator,
    coordinator: SimulatedUser,
    user_id: int,
    answers: dict[str, object] = MENTEE,
    language: str = "en",
) -> SimulatedUser:
    """A mentee through the introduction and the intake, waiting for a mentor."""
    mentee = await onboard(emulator, user_id, language, "mentee")
    await read_introduction(mentee, language)
    await answer_until(mentee, language, answers, questionnaire="intake")
    await mentee.press(translator(language).gettext("Send my answers"))
    await mentee.next_message()
    await coordinator.next_message()  # "A mentee is ready for matching"
    return mentee


# -- coordinators: screening and matching ------------------------------------------------------


async def coordinator_ready(
    emulator: BotApiEmulator, user_id: int = COORDINATOR_ID, name: str = "Karen"
) -> SimulatedUser:
    """A coordinator who has sent /start and read the welcome."""
    coordinator = emulator.user(user_id, first_name=name, language_code="en")
    await coordinator.send("/start")
    await coordinator.next_message()
    return coordinator


async def ready_mentor(
    emulator: BotApiEmulator,
    coordinator: SimulatedUser,
    user_id: int,
    answers: dict[str, object] = MENTOR_ANSWERS,
    language: str = "en",
) -> SimulatedUser:
    """A mentor screened, approved and through the mentor course."""
    mentor = await submitted_screening(emulator, user_id, language, answers)
    review = await coordinator.next_message()
    for button in ("Approve", "Mentor course done"):
        await coordinator.press(button, message=review)
        await mentor.next_message()
        await coordinator.next_message()  # "Saved: …"
    return mentor


async def propose(coordinator: SimulatedUser) -> BotMessage:
    """/match, the first mentee, the first suggestion; returns the suggestions."""
    await coordinator.send("/match")
    await coordinator.next_message()
    await coordinator.press("1")
    suggestions = await coordinator.next_message()
    await coordinator.press("Propose 1", message=suggestions)
    await coordinator.next_message()  # "The proposal is sent to both…"
    return suggestions


async def proposal_sent(
    emulator: BotApiEmulator, mentee_answers: dict[str, object] = MENTEE
) -> tuple[SimulatedUser, SimulatedUser, SimulatedUser]:
    """A coordinator proposed a ready mentor (9001) to a waiting mentee (9002); none read it yet."""
    coordinator = await coordinator_ready(emulator)
    mentor = await ready_mentor(emulator, coordinator, 9001)
    mentee = await waiting_mentee(emulator, coordinator, 9002, mentee_answers)
    await propose(coordinator)
    return coordinator, mentor, mentee


# -- a pair's life -----------------------------------------------------------------------------


async def both_accept(mentor: SimulatedUser, mentee: SimulatedUser) -> None:
    """Both read the proposal and say yes: the mentor first, then the mentee."""
    await mentor.next_message()
    await mentee.next_message()
    await mentor.press("Yes")
    await mentor.next_message()
    await mentee.press("Yes")
    await mentor.next_message()
    await mentee.next_message()


async def matched(
    emulator: BotApiEmulator, mentee_answers: dict[str, object] = MENTEE
) -> tuple[SimulatedUser, SimulatedUser, SimulatedUser]:
    """A coordinator, a mentor and a mentee who both said yes."""
    coordinator, mentor, mentee = await proposal_sent(emulator, mentee_answers)
    await both_accept(mentor, mentee)
    await coordinator.next_message()  # "New pair: …"
    return coordinator, mentor, mentee


async def open_pair_card(coordinator: SimulatedUser) -> BotMessage:
    """/pairs and the first pair: its card with Pause, Check-ins and End."""
    await coordinator.send("/pairs")
    await coordinator.next_message()
    await coordinator.press("1")
    return await coordinator.next_message()


async def end_pair(coordinator: SimulatedUser, outcome: str = "Education") -> None:
    """The coordinator ends the first pair with `outcome` and sees the card say so."""
    card = await open_pair_card(coordinator)
    await coordinator.press("End", message=card)
    await coordinator.wait_for_edit(card)
    await coordinator.press(outcome, message=card)
    await coordinator.wait_for_edit(coordinator.message(card.message_id))


# -- check-ins and alerts ----------------------------------------------------------------------

WAVE = "checkin-wave"
SCAN = "stall-scan"


async def due_wave(bot: RunningBot, days: float = 14) -> None:
    """`days` pass, then the check-in wave runs."""
    bot.clock.advance(days=days)
    await bot.run_job(WAVE)


async def answer_mentor(
    mentor: SimulatedUser, note: str | None = "We practised job interviews."
) -> None:
    """The mentor answers a check-in by buttons and writes `note` (None: skips it). Each
    answer turns the question into the next one."""
    for button in ("Yes, in person", "Good", "No, all is fine"):
        await mentor.press_and_wait_for_edit(button)
    if note is None:
        await mentor.press("Skip ›")
    else:
        await mentor.send(note)


async def mentor_answered_check_in(
    emulator: BotApiEmulator, bot: RunningBot
) -> tuple[SimulatedUser, SimulatedUser, SimulatedUser]:
    """A pair two weeks on: both got their check-in, the mentor answered it and was thanked."""
    coordinator, mentor, mentee = await matched(emulator)
    await due_wave(bot)
    await mentor.next_message()
    await mentee.next_message()
    await answer_mentor(mentor)
    await mentor.next_message()  # "Thank you! Your answers are saved for the coordinator."
    return coordinator, mentor, mentee


def alerts_in(user: SimulatedUser) -> list[BotMessage]:
    """The stall alerts a coordinator has received."""
    return [m for m in user.messages if (m.text or "").startswith("A pair needs your attention")]


async def scan(bot: RunningBot) -> None:
    """The stall scan runs now."""
    await bot.run_job(SCAN)
