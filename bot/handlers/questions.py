"""How a question, an answer, a problem and the summary read in the chat (their buttons are
bot/handlers/question_widget.py's)."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from bot.i18n import Translator
from bot.model.municipalities import Found, Municipality, Outcome, Region, place, scope_place
from bot.model.questionnaire import (
    YES,
    Answer,
    Invalid,
    Kind,
    Problem,
    Question,
    load_fields,
)
from bot.report_words import region_label

SHORT_ANSWER = 300
TICK = "✓ "


def question_text(
    t: Translator, question: Question, number: int, total: int, current: Answer | None
) -> str:
    header = t.gettext("Question {number} of {total}").format(
        number=t.number(number), total=t.number(total)
    )
    text = f"<i>{header}</i>\n\n{escape(t.gettext(question.text))}"
    if current is not None and question.kind in (Kind.TEXT, Kind.NUMBER, Kind.MUNICIPALITY):
        your_answer = t.gettext("Your answer now: {answer}").format(
            answer=escape(short(display(t, question, current)))
        )
        text += f"\n\n{your_answer}"
    if not question.required:
        text += "\n\n" + t.gettext("You can skip this question.")
    return text


def display(t: Translator, question: Question, value: Answer) -> str:
    """An answer as a person reads it, in their language."""
    if value is None:
        return t.gettext("(skipped)")
    if question.kind is Kind.NUMBER and isinstance(value, int):
        return t.number(value)
    if question.kind is Kind.YES_NO:
        return t.gettext("Yes") if value == YES else t.gettext("No")
    if question.kind is Kind.MUNICIPALITY:
        return municipality_name(t, value)
    if question.kind is Kind.SINGLE and isinstance(value, str):
        option = question.option(value)
        return t.gettext(option.label) if option else value
    if question.kind is Kind.MULTI and isinstance(value, tuple):
        labels = [question.option(v) for v in value]
        # Arabic and Persian separate with «،», not the Latin comma.
        separator = t.pgettext("between the items of a list", ", ")
        return separator.join(t.gettext(o.label) for o in labels if o is not None)
    return str(value)


def municipality_name(t: Translator, stored: object) -> str:
    """A stored municipality as everyone reads it: its Danish name, or an old answer the list
    could not place, marked for the coordinator to fix."""
    known = place(stored)
    if known is not None:
        return known.name
    return t.gettext("unknown municipality: {text}").format(text=stored)


def place_name(t: Translator, named: Municipality | Region) -> str:
    """A municipality's Danish name, or a region's name in the reader's language."""
    return named.name if isinstance(named, Municipality) else region_label(t, named.id)


def scope_text(t: Translator, codes: Iterable[int]) -> str:
    """A coordinator's municipalities and regions (their codes) as a list in a message: each
    name isolated and escaped."""
    named = (place_name(t, found) for found in map(scope_place, codes) if found is not None)
    separator = t.pgettext("between the items of a list", ", ")
    return separator.join(escape(t.isolate(name)) for name in named)


def municipality_offer(t: Translator, found: Found) -> str:
    """The question after a typed municipality: is it this one, which of these, which in the
    region."""
    if found.outcome is Outcome.ONE:
        return t.gettext("Do you mean {municipality}?").format(
            municipality=escape(t.isolate(found.municipalities[0].name))
        )
    if found.outcome is Outcome.REGION and found.region is not None:
        return t.gettext("Which municipality in {region} do you live in?").format(
            region=escape(t.isolate(found.region.name))
        )
    return t.gettext("Which of these do you mean?")


def short(text: str, limit: int = SHORT_ANSWER) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def answered_text(t: Translator, original_html: str, question: Question, value: Answer) -> str:
    """The question's message once answered: the question, and the answer under it."""
    return f"{original_html}\n\n{TICK}<b>{escape(short(display(t, question, value)))}</b>"


def answer_lines(
    t: Translator, answers: list[tuple[Question, Answer]], limit: int | None = SHORT_ANSWER
) -> list[str]:
    lines = []
    for question, value in answers:
        shown = display(t, question, value)
        shown = short(shown, limit) if limit else shown
        lines.append(f"<b>{escape(t.gettext(question.label))}</b>: {escape(t.isolate(shown))}")
    return lines


def summary_text(t: Translator, answers: list[tuple[Question, Answer]]) -> str:
    intro = t.gettext("Here are your answers. Check them, then send them, or change an answer.")
    return intro + "\n\n" + "\n".join(answer_lines(t, answers))


def problem_text(t: Translator, problem: Invalid) -> str:
    """Why an answer was not taken, and what to do instead."""
    limit = t.number(problem.limit) if problem.limit is not None else ""
    length = t.number(problem.length) if problem.length is not None else ""
    messages = {
        Problem.EMPTY: t.gettext("Please write your answer."),
        Problem.TOO_SHORT: t.gettext(
            "Please write a bit more: at least {limit} characters."
        ).format(limit=limit),
        Problem.TOO_LONG: t.gettext(
            "Your answer is {length} characters long. Please shorten it to {limit} characters "
            "or fewer."
        ).format(length=length, limit=limit),
        Problem.NOT_A_NUMBER: t.gettext("Please write a number, for example 5."),
        Problem.TOO_SMALL: t.gettext("Please write a number of at least {limit}.").format(
            limit=limit
        ),
        Problem.TOO_LARGE: t.gettext("Please write a number of at most {limit}.").format(
            limit=limit
        ),
        Problem.NOT_CONTACT: t.gettext(
            "That does not look like a phone number or an e-mail. Please write it again."
        ),
        Problem.USE_BUTTONS: t.gettext("Please choose with the buttons under the question."),
        Problem.UNKNOWN_OPTION: t.gettext("Please choose with the buttons under the question."),
        Problem.NOTHING_CHOSEN: t.gettext("Please choose at least one, then press Done."),
        Problem.REQUIRED: t.gettext("This question must be answered."),
        Problem.UNKNOWN_MUNICIPALITY: t.gettext(
            "I do not know that municipality. Please write its name as on a letter from the "
            "municipality, for example Aarhus."
        ),
        Problem.MUST_AGREE: "",
    }
    return messages[problem.problem]


def field_label(t: Translator, field_id: str | None) -> str:
    """A professional field's name in the reader's language."""
    field = next((f for f in load_fields() if f.id == field_id), None)
    return t.gettext(field.label) if field else "?"
