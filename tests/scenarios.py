"""User stories shared by the end-to-end tests: what a person types and presses."""

from __future__ import annotations

from bot.i18n import LANGUAGE_NAMES, translator
from bot.model.questionnaire import Kind, Question, load
from sandbox import BotApiEmulator, SimulatedUser

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
    "region": "midtjylland",
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


def visible(text: str | None) -> str:
    """A message's text without the invisible marks that keep inserted words in place."""
    return (text or "").translate(BIDI_CONTROLS)


MENTEE_ANSWERS: dict[str, object] = {
    "consent": "yes",
    "name": "Yusuf Ali",
    "field": "it",
    "education": "Bachelor in computer science, Damascus University",
    "experience": "Five years as a web developer in Syria",
    "danish": "everyday",
    "languages": ("ar", "en"),
    "region": "hovedstaden",
    "municipality": "København",
    "goal": "job",
    "frequency": "weekly",
    "mode": "in_person",
    "contact": "+45 87 65 43 21",
    "share_contact": "yes",
}


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


def question_in(text: str, language: str, questionnaire: str = "screening") -> Question | None:
    """Which question a message asks, by its text in the person's language."""
    t = translator(language)
    for question in load(questionnaire).questions:
        # Compared without bidi marks: the Arabic catalog keeps /commands left to right.
        if visible(t.gettext(question.text)) in visible(text):
            return question
    return None


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
