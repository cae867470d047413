"""The one question widget: the same buttons for a questionnaire's question and a check-in's,
each flow with its own callback data in the formats old buttons in chats still carry."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.handlers import question_widget as widget
from bot.handlers.checkins import CheckInButton
from bot.handlers.question_widget import Act, Shown
from bot.handlers.questionnaire import QuestionnaireButton, question_keyboard
from bot.i18n import translator
from bot.model.questionnaire import Invalid, Kind, Option, Problem, Question, Run

t = translator("en")
GOING = Question(
    "going",
    Kind.SINGLE,
    "How it goes",
    "How is it going?",
    options=(Option("good", "Good"), Option("hard", "Hard")),
)
LANGUAGES = Question(
    "languages",
    Kind.MULTI,
    "Languages",
    "Which languages do you speak?",
    required=False,
    options=(Option("da", "Danish"), Option("ar", "Arabic"), Option("en", "English")),
)
CONSENT = Question("consent", Kind.YES_NO, "Consent", "Do you agree?")
NAME = Question("name", Kind.TEXT, "Name", "What is your name?")


def run(current: str, selection: tuple[str, ...] = (), answers: dict | None = None) -> Run:
    return Run(5, 1, "screening", False, current, selection, answers or {}, None)


def check_in_data(act: Act, argument: str | None) -> CheckInButton:
    return CheckInButton(7, "going", act, argument)


def layout(markup: InlineKeyboardMarkup | None) -> list[list[tuple[str, str]]]:
    assert markup is not None
    return [[(b.text, str(b.callback_data)) for b in row] for row in markup.inline_keyboard]


def test_a_single_choice_is_a_column_of_options() -> None:
    assert layout(widget.keyboard(t, GOING, Shown(), check_in_data)) == [
        [("Good", "ci1:7:going:o:good")],
        [("Hard", "ci1:7:going:o:hard")],
    ]


def test_yes_and_no_share_a_row_and_back_follows() -> None:
    assert layout(question_keyboard(t, run("consent"), CONSENT, has_previous=True)) == [
        [("Yes", "q1:5:consent:o:yes"), ("No", "q1:5:consent:o:no")],
        [("‹ Back", "q1:5:consent:b")],
    ]


def test_a_multiple_choice_shows_its_ticks_then_done_then_back_and_skip() -> None:
    markup = question_keyboard(t, run("languages", ("ar",)), LANGUAGES, has_previous=True)
    assert layout(markup) == [
        [("Danish", "q1:5:languages:t:da")],
        [("✓ Arabic", "q1:5:languages:t:ar")],
        [("English", "q1:5:languages:t:en")],
        [("Done", "q1:5:languages:d")],
        [("‹ Back", "q1:5:languages:b"), ("Skip ›", "q1:5:languages:s")],
    ]


def test_an_answered_question_is_kept_rather_than_skipped() -> None:
    answered = run("languages", answers={"languages": ("da",)})
    last_row = layout(question_keyboard(t, answered, LANGUAGES, has_previous=False))[-1]
    assert last_row == [("Keep my answer", "q1:5:languages:k")]


def test_an_optional_question_of_a_check_in_has_skip_and_a_required_text_nothing() -> None:
    optional = Question("note", Kind.TEXT, "Note", "Anything else?", required=False)
    skip = widget.keyboard(t, optional, Shown(skip=True), check_in_data)
    assert layout(skip) == [[("Skip ›", "ci1:7:going:s")]]
    assert widget.keyboard(t, NAME, Shown(), check_in_data) is None


def test_a_press_becomes_the_answer_of_its_question() -> None:
    assert widget.answer_of(GOING, Act.OPTION, "hard", ()) == "hard"
    assert widget.answer_of(GOING, Act.OPTION, "nope", ()) == Invalid(Problem.UNKNOWN_OPTION)
    assert widget.answer_of(LANGUAGES, Act.DONE, None, ("da", "en")) == ("da", "en")
    assert widget.answer_of(LANGUAGES, Act.SKIP, None, ("da",)) is None
    assert widget.answer_of(GOING, Act.SKIP, None, ()) == Invalid(Problem.REQUIRED)
    assert widget.answer_of(GOING, Act.DONE, None, ()) == Invalid(Problem.UNKNOWN_OPTION)


def test_each_flow_reads_only_its_own_actions() -> None:
    assert QuestionnaireButton.parse("q1:5:-:send") == QuestionnaireButton(5, "-", "send")
    assert CheckInButton.parse("ci1:7:met:o:in_person") == CheckInButton(
        7, "met", Act.OPTION, "in_person"
    )
    assert CheckInButton.parse("ci1:7:met:k") is None  # Keep belongs to questionnaires
    assert QuestionnaireButton.parse("q1:5:name:dance") is None
