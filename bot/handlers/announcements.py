"""/announce: a coordinator writes to a group; it goes out through the rate limiter."""

from __future__ import annotations

import logging
from html import escape

from telegram import Bot, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot import announcements, registration
from bot.announcements import ALL_LANGUAGES, AUDIENCES, MAX_TEXT, Announcement
from bot.handlers.common import (
    coordinator_reply,
    remove_buttons,
    replace_message,
    send,
    services_of,
    tr,
)
from bot.handlers.coordinator import coordinator_only, coordinator_pressing, sender_scope
from bot.i18n import Translator, translator
from bot.model.participants import Participant
from bot.scopes import Scope
from bot.services import Services

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
IN_FLIGHT_KEY = "announcements_in_flight"


def audience_label(t: Translator, audience: str) -> str:
    return {
        "mentors": t.gettext("All mentors"),
        "mentees": t.gettext("All mentees"),
        "mentors_without_course": t.gettext("Mentors not yet on the mentor course"),
        "active_pairs": t.gettext("Mentors and mentees of active pairs"),
    }[audience]


@coordinator_only
async def announce_command(update: Update, context: Context, participant: Participant) -> None:
    """/announce: choose the group first."""
    t = tr(participant)
    await send(
        update,
        t.gettext("Who should get the announcement?"),
        InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(audience_label(t, a), callback_data=f"an1:{a}")]
                for a in AUDIENCES
            ]
        ),
    )


async def on_audience(update: Update, context: Context) -> None:
    """The group is chosen: one text for all, or one per language?"""
    query = update.callback_query
    assert query is not None and context.match is not None
    coordinator = await coordinator_pressing(update, context)
    if coordinator is None:
        return
    t = tr(coordinator)
    audience = context.match.group(1)
    await query.answer()
    await replace_message(
        query,
        t.gettext("{group}: do you write one text for everyone, or one in each language?").format(
            group=audience_label(t, audience)
        ),
        InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t.gettext("One text for everyone"), callback_data=f"an2:{audience}:one"
                    )
                ],
                [
                    InlineKeyboardButton(
                        t.gettext("Danish, English and Arabic"),
                        callback_data=f"an2:{audience}:each",
                    )
                ],
            ]
        ),
    )


async def on_languages(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and context.match is not None
    coordinator = await coordinator_pressing(update, context)
    if coordinator is None:
        return
    services = services_of(context)
    audience, each = context.match.group(1), context.match.group(2) == "each"
    announcement = await announcements.create(services, coordinator, audience, each)
    await query.answer()
    await remove_buttons(query)
    await ask_for_text(update, services, tr(coordinator), coordinator, announcement)


async def ask_for_text(
    update: Update,
    services: Services,
    t: Translator,
    coordinator: Participant,
    announcement: Announcement,
) -> None:
    language = announcements.missing_language(announcement)
    prompts = {
        ALL_LANGUAGES: t.gettext(
            "Write the announcement as a reply to this message. Everyone gets this text."
        ),
        "da": t.gettext("Write the announcement in Danish as a reply to this message."),
        "en": t.gettext("Write the announcement in English as a reply to this message."),
        "ar": t.gettext("Write the announcement in Arabic as a reply to this message."),
    }
    assert language is not None
    prompt = await send(
        update, prompts[language], ForceReply(input_field_placeholder=t.gettext("Announcement"))
    )
    await announcements.remember_prompt(
        services, coordinator.chat_id, prompt.message_id, announcement
    )


async def text_reply(update: Update, context: Context) -> bool:
    """A coordinator's reply with an announcement's text. False for other messages."""
    reply = await coordinator_reply(update, context)
    if reply is None:
        return False
    services = services_of(context)
    text, coordinator = reply.text, reply.coordinator
    announcement = await announcements.prompted(services, coordinator.chat_id, reply.replied_to)
    if announcement is None:
        return False
    t = tr(coordinator)
    if len(text) > MAX_TEXT:
        await send(
            update,
            t.gettext(
                "That is too long: at most {limit} characters. Please reply to my question "
                "above again with a shorter text."
            ).format(limit=t.number(MAX_TEXT)),
        )
        return True
    written = await announcements.add_text(services, announcement, text.strip())
    if written is None:
        await send(update, t.gettext("This announcement has been sent or cancelled already."))
    elif announcements.missing_language(written) is not None:
        await ask_for_text(update, services, t, coordinator, written)
    else:
        await preview(update, services, t, written, await sender_scope(context, coordinator))
    return True


async def preview(
    update: Update, services: Services, t: Translator, announcement: Announcement, scope: Scope
) -> None:
    size = await announcements.audience_size(services, announcement.audience, scope)
    lines = [
        "<b>"
        + t.ngettext(
            "Ready to send to {count} person ({group}):",
            "Ready to send to {count} people ({group}):",
            size,
        ).format(count=t.number(size), group=audience_label(t, announcement.audience))
        + "</b>"
    ]
    lines += [escape(text) for text in announcement.texts.values()]
    await send(
        update,
        "\n\n".join(lines),
        InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t.gettext("Send"), callback_data=f"an3:{announcement.id}:send"
                    ),
                    InlineKeyboardButton(
                        t.gettext("Cancel"), callback_data=f"an3:{announcement.id}:cancel"
                    ),
                ]
            ]
        ),
    )


async def on_decision(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and context.match is not None
    coordinator = await coordinator_pressing(update, context)
    if coordinator is None:
        return
    services = services_of(context)
    t = tr(coordinator)
    announcement = await announcements.get(services, int(context.match.group(1)))
    if (
        announcement is None
        or announcement.coordinator_id != coordinator.id
        or announcements.missing_language(announcement) is not None  # not previewed yet
    ):
        await query.answer(t.gettext("This button is no longer active."), show_alert=True)
        return
    await remove_buttons(query)
    if context.match.group(2) == "cancel":
        if not await announcements.cancel(services, announcement):
            await query.answer(t.gettext("This announcement has been sent or cancelled already."))
            return
        await query.answer()
        await send(update, t.gettext("The announcement is cancelled. Nothing was sent."))
        return
    scope = await sender_scope(context, coordinator)
    count = await announcements.start_sending(services, announcement, scope)
    if count is None:
        await query.answer(t.gettext("This announcement has been sent or cancelled already."))
        return
    await query.answer()
    await send(
        update,
        t.ngettext("Sending to {count} person…", "Sending to {count} people…", count).format(
            count=t.number(count)
        ),
    )
    start_delivery(context.application, announcement)


def start_delivery(application: Application, announcement: Announcement) -> None:
    """Deliver in the background, so the coordinator can go on meanwhile; one run at a time."""
    in_flight: set[int] = application.bot_data.setdefault(IN_FLIGHT_KEY, set())
    if announcement.id in in_flight:
        return
    in_flight.add(announcement.id)

    async def run() -> None:
        try:
            await deliver(application.bot, services_of(application), announcement)
        finally:
            in_flight.discard(announcement.id)

    application.create_task(run(), name=f"announcement-{announcement.id}")


async def deliver(bot: Bot, services: Services, announcement: Announcement) -> None:
    """Each pending delivery, then the count for the coordinator who wrote it."""
    for recipient in await announcements.pending(services, announcement):
        t = translator(recipient.language)
        text = (
            "<b>"
            + t.gettext("A message from the coordinator")
            + "</b>\n\n"
            + escape(announcements.text_for(announcement, recipient.language))
        )
        try:
            await bot.send_message(recipient.chat_id, text)
            arrived = True
        except Forbidden:
            await registration.mark_unreachable_by_id(services, recipient.participant_id)
            arrived = False
        except TelegramError as error:
            log.warning("announcement %s not delivered: %s", announcement.id, type(error).__name__)
            arrived = False
        await announcements.delivered(services, announcement, recipient, arrived)
    counts = await announcements.finish(services, announcement)
    coordinator = await registration.participant(services, announcement.coordinator_id)
    if counts is None or coordinator is None:
        return
    reached, total = counts
    t = tr(coordinator)
    await bot.send_message(
        coordinator.chat_id,
        t.ngettext(
            "The announcement reached {reached} of {total} person.",
            "The announcement reached {reached} of {total} people.",
            total,
        ).format(reached=t.number(reached), total=t.number(total)),
    )


async def resume_interrupted(context: Context) -> None:
    """Announcements a restart cut off go on where they stopped."""
    services = services_of(context.application)
    for announcement in await announcements.interrupted(services):
        start_delivery(context.application, announcement)


HANDLERS = [
    CommandHandler("announce", announce_command, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(on_audience, pattern=rf"^an1:({'|'.join(AUDIENCES)})$"),
    CallbackQueryHandler(on_languages, pattern=rf"^an2:({'|'.join(AUDIENCES)}):(one|each)$"),
    CallbackQueryHandler(on_decision, pattern=r"^an3:(\d+):(send|cancel)$"),
]
