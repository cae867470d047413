"""/start, the language and role choice, /language and /help."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot import followup, intake, matchmaking, registration, review, runs
from bot.handlers import intake as intake_handlers
from bot.handlers import questionnaire
from bot.handlers.checkins import send_question
from bot.handlers.common import participant_of, remove_buttons, send, services_of, tr
from bot.handlers.context import contact_of
from bot.handlers.keyboards import LANGUAGE_PATTERN, ROLE_PATTERN, language_keyboard, role_keyboard
from bot.handlers.matching import send_proposal
from bot.handlers.menu import publish_chat_menu
from bot.handlers.review import mentor_status_text
from bot.handlers.texts import command_list, first_name, help_text, registered_text
from bot.model.mentees import introduction_finished
from bot.model.pairs import Pair, PairStatus, Side
from bot.model.participants import OnboardingStep, Participant, Role
from bot.model.screening import QUESTIONNAIRE as SCREENING
from bot.services import Services

PRIVATE = filters.ChatType.PRIVATE
Context = ContextTypes.DEFAULT_TYPE


async def start(update: Update, context: Context) -> None:
    """Greet the person and take them to the next step; a link's channel or invitation first."""
    services = services_of(context)
    participant, step = await registration.start(services, contact_of(update))
    if context.args:
        participant = await registration.attach_channel(services, participant, context.args[0])
        participant = await intake.accept_invitation(services, participant, context.args[0])
        step = registration.onboarding_step_of(services, participant)
    if step is OnboardingStep.COORDINATOR:
        await publish_chat_menu(context.bot, participant)
    if step is OnboardingStep.WELCOME_BACK:
        await carry_on(update, context, participant, returning=True)
        return
    await send_step(update, participant, step)


async def send_step(update: Update, participant: Participant, step: OnboardingStep) -> None:
    """Send what the person sees at this step of the first conversation."""
    t = tr(participant)
    if step is OnboardingStep.CHOOSE_LANGUAGE:
        await send(
            update,
            t.gettext(
                "Hello! I am Mentorbro, the chat bot of the volunteer career mentor programme. "
                "We connect refugees who are looking for work with volunteers who work in the "
                "same field."
            )
            + "\n\n"
            + t.gettext("Which language do you want to use?"),
            reply_markup=language_keyboard(),
        )
    elif step is OnboardingStep.CHOOSE_ROLE:
        await send(update, t.gettext("What brings you here?"), reply_markup=role_keyboard(t))
    elif step is OnboardingStep.COORDINATOR:
        await send(
            update,
            t.gettext("Hello, coordinator! These are your commands:")
            + "\n\n"
            + command_list(t, Role.COORDINATOR),
        )


async def carry_on(
    update: Update, context: Context, participant: Participant, *, returning: bool
) -> None:
    """Take a mentor or mentee on from where they are: an open questionnaire, the first one,
    the introduction, or where their application stands."""
    t = tr(participant)
    services = services_of(context)
    welcome = t.gettext("Welcome back!") + " " if returning else ""
    run = await runs.open_run(services, participant)
    if returning and (run is not None or await in_introduction(services, participant)):
        await send(update, t.gettext("Welcome back! Let us go on where you left off."))
    pair = await matchmaking.open_pair_of(services, participant.id)
    if run is not None:
        await questionnaire.ask(update, context, participant, run)
    elif pair is not None:
        await pair_status(update, context, participant, pair, welcome)
    elif participant.role is Role.MENTOR:
        screening = await review.screening_of(services, participant)
        if screening is None:
            await questionnaire.begin(update, context, participant, SCREENING)
        else:
            await send(update, welcome + mentor_status_text(t, screening))
    elif await intake.intake_of(services, participant) is None:
        await intake_handlers.show_introduction(update, context, participant)
    else:
        await send(update, welcome + intake_handlers.mentee_status_text(t))


async def pair_status(
    update: Update, context: Context, participant: Participant, pair: Pair, welcome: str
) -> None:
    """Someone in a proposal or a pair hears about that, not about their application."""
    services = services_of(context)
    side = pair.side_of(participant.id)
    assert side is not None
    if pair.status is PairStatus.PROPOSED:
        if pair.answer_of(side) is None:
            await send_proposal(context.outbox, pair, side)
        else:
            await send(
                update,
                welcome
                + tr(participant).gettext("Thank you! I am waiting for the other person's answer."),
            )
        return
    t = tr(participant)
    # A check-in whose next question was cut off (by a crash, say) goes on where it stopped.
    check_in = await followup.awaiting_message(services, participant)
    if check_in is not None:
        if welcome:
            await send(update, t.gettext("Welcome back! Let us go on where you left off."))
        await send_question(context.outbox, check_in)
        return
    other_side = Side.MENTEE if side is Side.MENTOR else Side.MENTOR
    other = await matchmaking.profile_answers(services, pair.other(participant.id), other_side)
    await send(
        update,
        welcome
        + t.gettext(
            "You and {name} are a mentoring pair. I will ask you now and then how it goes; "
            "/pause gives you a break from that."
        ).format(name=escape(t.isolate(first_name(other)))),
    )


async def in_introduction(services: Services, participant: Participant) -> bool:
    step = await intake.current_introduction_step(services, participant)
    return step is not None and not introduction_finished(step)


async def choose_language_command(update: Update, context: Context) -> None:
    """/language: offer the three languages, each named in itself."""
    participant = await participant_of(update, context)
    await send(
        update,
        tr(participant).gettext("Which language do you want to use?"),
        reply_markup=language_keyboard(),
    )


async def language_chosen(update: Update, context: Context) -> None:
    """A language button: store the choice, confirm it in that language, go on from there."""
    query = update.callback_query
    assert query is not None and context.match is not None
    services = services_of(context)
    participant = await registration.choose_language(
        services, contact_of(update), context.match.group(1)
    )
    await query.answer()
    await remove_buttons(query)
    await send(update, tr(participant).gettext("OK, I will write to you in English."))
    await publish_chat_menu(context.bot, participant)
    step = registration.onboarding_step_of(services, participant)
    if step is OnboardingStep.CHOOSE_ROLE:
        await send_step(update, participant, step)
    elif step is OnboardingStep.WELCOME_BACK:
        await carry_on(update, context, participant, returning=False)


async def role_chosen(update: Update, context: Context) -> None:
    """A role button: store the role once, then begin what that role does first."""
    query = update.callback_query
    assert query is not None and context.match is not None
    services = services_of(context)
    before = await participant_of(update, context)
    t = tr(before)
    if services.is_coordinator(before.telegram_user_id):
        await query.answer(t.gettext("You are a coordinator, so you do not need to choose."))
        await remove_buttons(query)
        return
    participant = await registration.choose_role(
        services, contact_of(update), Role(context.match.group(1))
    )
    await query.answer()
    await remove_buttons(query)
    assert participant.role is not None
    if before.role is not None:
        await send(
            update,
            t.gettext("You have already chosen.")
            + " "
            + registered_text(t, participant.role)
            + " "
            + t.gettext("If this is wrong, please tell the coordinator."),
        )
        return
    if participant.role is Role.MENTOR:
        await send(
            update,
            t.gettext(
                "Thank you for wanting to help! As a mentor you share what you know about your "
                "field and about finding work in Denmark."
            ),
        )
    else:
        await send(update, t.gettext("Welcome! First, a few short messages about mentoring."))
    await carry_on(update, context, participant, returning=False)


async def help_command(update: Update, context: Context) -> None:
    """/help: what the bot can do for this person's role."""
    participant = await participant_of(update, context)
    await send(update, help_text(tr(participant), participant.role))


HANDLERS = [
    CommandHandler("start", start, filters=PRIVATE),
    CommandHandler("language", choose_language_command, filters=PRIVATE),
    CommandHandler("help", help_command, filters=PRIVATE),
    CallbackQueryHandler(language_chosen, pattern=LANGUAGE_PATTERN),
    CallbackQueryHandler(role_chosen, pattern=ROLE_PATTERN),
]
