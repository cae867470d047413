"""/start, the language and role choice, /language and /help."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot import registration
from bot.handlers.common import contact_of, participant_of, remove_buttons, send, services_of, tr
from bot.handlers.keyboards import LANGUAGE_PATTERN, ROLE_PATTERN, language_keyboard, role_keyboard
from bot.handlers.menu import publish_chat_menu
from bot.handlers.texts import command_list, help_text, registered_text
from bot.participants import OnboardingStep, Participant, Role

PRIVATE = filters.ChatType.PRIVATE


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet the person and take them to the next step of the first conversation."""
    participant, step = await registration.start(services_of(context), contact_of(update))
    if step is OnboardingStep.COORDINATOR:
        await publish_chat_menu(context.bot, participant)
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
        await ask_role(update, participant)
    elif step is OnboardingStep.COORDINATOR:
        await send(
            update,
            t.gettext("Hello, coordinator! These are your commands:")
            + "\n\n"
            + command_list(t, Role.COORDINATOR),
        )
    else:
        assert participant.role is not None
        await send(
            update,
            t.gettext("Welcome back!")
            + " "
            + registered_text(t, participant.role)
            + "\n\n"
            + t.gettext("Type /help to see what I can do."),
        )


async def ask_role(update: Update, participant: Participant) -> None:
    t = tr(participant)
    await send(update, t.gettext("What brings you here?"), reply_markup=role_keyboard(t))


async def choose_language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/language: offer the three languages, each named in itself."""
    participant = await participant_of(update, context)
    await send(
        update,
        tr(participant).gettext("Which language do you want to use?"),
        reply_markup=language_keyboard(),
    )


async def language_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A language button: store the choice, confirm it in that language, go on."""
    query = update.callback_query
    assert query is not None and context.match is not None
    services = services_of(context)
    contact = contact_of(update)
    participant = await registration.choose_language(services, contact, context.match.group(1))
    await query.answer()
    await remove_buttons(query)
    t = tr(participant)
    await send(update, t.gettext("OK, I will write to you in English."))
    await publish_chat_menu(context.bot, participant)
    step = registration.onboarding_step_of(services, participant)
    if step is OnboardingStep.CHOOSE_ROLE:
        await ask_role(update, participant)


async def role_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A role button: store the role once, then tell the person what happens next."""
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
    await send(
        update, next_step_text(participant) + "\n\n" + t.gettext("Type /help to see what I can do.")
    )


def next_step_text(participant: Participant) -> str:
    t = tr(participant)
    if participant.role is Role.MENTOR:
        return t.gettext(
            "Thank you for wanting to help! As a mentor you share what you know about your "
            "field and about finding work in Denmark. The programme's coordinator will contact "
            "you about the next step."
        )
    return t.gettext(
        "Welcome! A mentor is a volunteer who works in the field you want to work in. The "
        "programme's coordinator will contact you about the next step."
    )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
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
