"""/start, the language and role choice, /language and /help."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot import checkins, intake, matchmaking, registration, review, runs
from bot.handlers import intake as intake_handlers
from bot.handlers import questionnaire
from bot.handlers.checkins import send_question
from bot.handlers.common import send, tr
from bot.handlers.context import BotContext, contact_of
from bot.handlers.keyboards import LanguageChoice, RoleChoice, language_keyboard, role_keyboard
from bot.handlers.menu import publish_chat_menu
from bot.handlers.press import Press, Refused, on_press
from bot.handlers.proposals import send_proposal
from bot.handlers.review import mentor_status_text
from bot.handlers.texts import command_list, first_name, help_text, registered_text
from bot.i18n import N_
from bot.model.mentees import introduction_finished
from bot.model.pairs import Pair, PairStatus, Side
from bot.model.participants import OnboardingStep, Participant, Role
from bot.model.screening import QUESTIONNAIRE as SCREENING
from bot.services import Services

PRIVATE = filters.ChatType.PRIVATE
COORDINATORS_DO_NOT_CHOOSE = N_("You are a coordinator, so you do not need to choose.")


async def start(update: Update, context: BotContext) -> None:
    """Greet the person and take them to the next step; a link's channel or invitation first."""
    services = context.services
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
    update: Update, context: BotContext, participant: Participant, *, returning: bool
) -> None:
    """Take a mentor or mentee on from where they are: an open questionnaire, the first one,
    the introduction, or where their application stands."""
    t = tr(participant)
    services = context.services
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
    update: Update, context: BotContext, participant: Participant, pair: Pair, welcome: str
) -> None:
    """Someone in a proposal or a pair hears about that, not about their application."""
    services = context.services
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
    check_in = await checkins.awaiting_message(services, participant)
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


async def choose_language_command(update: Update, context: BotContext) -> None:
    """/language: offer the three languages, each named in itself."""
    participant = context.participant
    await send(
        update,
        tr(participant).gettext("Which language do you want to use?"),
        reply_markup=language_keyboard(),
    )


@on_press(LanguageChoice)
async def language_chosen(press: Press[LanguageChoice]) -> None:
    """A language button: store the choice, confirm it in that language, go on from there."""
    services = press.services
    participant = await registration.choose_language(
        services, contact_of(press.update), press.data.language
    )
    press.context.participant_changed(participant)
    await press.answer()
    await press.remove_buttons()
    await press.reply(tr(participant).gettext("OK, I will write to you in English."))
    await publish_chat_menu(press.bot, participant)
    step = registration.onboarding_step_of(services, participant)
    if step is OnboardingStep.CHOOSE_ROLE:
        await send_step(press.update, participant, step)
    elif step is OnboardingStep.WELCOME_BACK:
        await carry_on(press.update, press.context, participant, returning=False)


@on_press(RoleChoice)
async def role_chosen(press: Press[RoleChoice]) -> None:
    """A role button: store the role once, then begin what that role does first."""
    services, before, t = press.services, press.participant, press.t
    if services.is_coordinator(before.telegram_user_id):
        raise Refused(COORDINATORS_DO_NOT_CHOOSE, alert=False, remove_buttons=True)
    participant = await registration.choose_role(
        services, contact_of(press.update), press.data.role
    )
    press.context.participant_changed(participant)
    await press.answer()
    await press.remove_buttons()
    assert participant.role is not None  # just chosen
    if before.role is not None:
        await press.reply(
            t.gettext("You have already chosen.")
            + " "
            + registered_text(t, participant.role)
            + " "
            + t.gettext("If this is wrong, please tell the coordinator."),
        )
        return
    if participant.role is Role.MENTOR:
        await press.reply(
            t.gettext(
                "Thank you for wanting to help! As a mentor you share what you know about your "
                "field and about finding work in Denmark."
            ),
        )
    else:
        await press.reply(t.gettext("Welcome! First, a few short messages about mentoring."))
    await carry_on(press.update, press.context, participant, returning=False)


async def help_command(update: Update, context: BotContext) -> None:
    """/help: what the bot can do for this person's role."""
    participant = context.participant
    await send(update, help_text(tr(participant), participant.role))


HANDLERS = [
    CommandHandler("start", start, filters=PRIVATE),
    CommandHandler("language", choose_language_command, filters=PRIVATE),
    CommandHandler("help", help_command, filters=PRIVATE),
    language_chosen,
    role_chosen,
]
