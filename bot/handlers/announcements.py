"""/announce: a coordinator writes to a group; it goes out through the rate limiter."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Annotated, Literal

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler, filters

from bot import announcements, registration, scopes
from bot.announcements import ALL_LANGUAGES, AUDIENCES, MAX_TEXT, Announcement
from bot.handlers.callback_data import CallbackData
from bot.handlers.common import coordinator_reply, send, tr
from bot.handlers.context import OUTBOX_KEY, BotContext
from bot.handlers.coordinator import coordinator_only, sender_scope
from bot.handlers.press import Press, Refused, on_press
from bot.i18n import N_, Translator, translator
from bot.model.languages import BY_CODE
from bot.model.participants import Participant
from bot.outbox import Outbox
from bot.scopes import Scope
from bot.services import Services

IN_FLIGHT_KEY = "announcements_in_flight"
AUDIENCE = "|".join(AUDIENCES)
DONE_ALREADY = N_("This announcement has been sent or cancelled already.")


@dataclass(frozen=True)
class AnnouncementAudience(CallbackData, prefix="an1"):
    audience: Annotated[str, AUDIENCE]


@dataclass(frozen=True)
class AnnouncementLanguages(CallbackData, prefix="an2"):
    """One text for everyone, or one in each language."""

    audience: Annotated[str, AUDIENCE]
    texts: Literal["one", "each"]


@dataclass(frozen=True)
class AnnouncementDecision(CallbackData, prefix="an3"):
    """Send or cancel, under the preview."""

    announcement_id: int
    decision: Literal["send", "cancel"]


def audience_label(t: Translator, audience: str) -> str:
    return {
        "mentors": t.gettext("All mentors"),
        "mentees": t.gettext("All mentees"),
        "mentors_without_course": t.gettext("Mentors not yet on the mentor course"),
        "active_pairs": t.gettext("Mentors and mentees of active pairs"),
    }[audience]


@coordinator_only
async def announce_command(update: Update, context: BotContext, participant: Participant) -> None:
    """/announce: choose the group first."""
    t = tr(participant)
    await send(
        update,
        t.gettext("Who should get the announcement?"),
        InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        audience_label(t, a), callback_data=AnnouncementAudience(a).pack()
                    )
                ]
                for a in AUDIENCES
            ]
        ),
    )


@on_press(AnnouncementAudience, coordinator=True)
async def on_audience(press: Press[AnnouncementAudience]) -> None:
    """The group is chosen: one text for all, or one per language?"""
    t, audience = press.t, press.data.audience
    await press.answer()
    await press.replace_message(
        t.gettext("{group}: do you write one text for everyone, or one in each language?").format(
            group=audience_label(t, audience)
        ),
        InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t.gettext("One text for everyone"),
                        callback_data=AnnouncementLanguages(audience, "one").pack(),
                    )
                ],
                [
                    InlineKeyboardButton(
                        t.gettext("One text in each language"),
                        callback_data=AnnouncementLanguages(audience, "each").pack(),
                    )
                ],
            ]
        ),
    )


@on_press(AnnouncementLanguages, coordinator=True)
async def on_languages(press: Press[AnnouncementLanguages]) -> None:
    services, coordinator = press.services, press.participant
    each = press.data.texts == "each"
    announcement = await announcements.create(services, coordinator, press.data.audience, each)
    await press.answer()
    await press.remove_buttons()
    await ask_for_text(press.update, services, press.t, coordinator, announcement)


async def ask_for_text(
    update: Update,
    services: Services,
    t: Translator,
    coordinator: Participant,
    announcement: Announcement,
) -> None:
    language = announcements.missing_language(announcement)
    assert language is not None
    if language == ALL_LANGUAGES:
        text = t.gettext(
            "Write the announcement as a reply to this message. Everyone gets this text."
        )
    else:
        text = t.gettext(
            "Write the announcement as a reply to this message, in this language: {language}"
        ).format(language=t.isolate(t.gettext(BY_CODE[language].msgid)))
    prompt = await send(update, text, ForceReply(input_field_placeholder=t.gettext("Announcement")))
    await announcements.remember_prompt(
        services, coordinator.chat_id, prompt.message_id, announcement
    )


async def text_reply(update: Update, context: BotContext) -> bool:
    """A coordinator's reply with an announcement's text. False for other messages."""
    reply = await coordinator_reply(update, context)
    if reply is None:
        return False
    services = context.services
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
        await send(update, t.gettext(DONE_ALREADY))
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
                        t.gettext("Send"),
                        callback_data=AnnouncementDecision(announcement.id, "send").pack(),
                    ),
                    InlineKeyboardButton(
                        t.gettext("Cancel"),
                        callback_data=AnnouncementDecision(announcement.id, "cancel").pack(),
                    ),
                ]
            ]
        ),
    )


@on_press(AnnouncementDecision, coordinator=True)
async def on_decision(press: Press[AnnouncementDecision]) -> None:
    services, coordinator, t = press.services, press.participant, press.t
    announcement = await announcements.get(services, press.data.announcement_id)
    if (
        announcement is None
        or announcement.coordinator_id != coordinator.id
        or announcements.missing_language(announcement) is not None  # not previewed yet
    ):
        raise Refused()
    await press.remove_buttons()
    if press.data.decision == "cancel":
        if not await announcements.cancel(services, announcement):
            raise Refused(DONE_ALREADY, alert=False)
        await press.answer()
        await press.reply(t.gettext("The announcement is cancelled. Nothing was sent."))
        return
    scope = await scopes.scope_of(services, coordinator.telegram_user_id)
    count = await announcements.start_sending(services, announcement, scope)
    if count is None:
        raise Refused(DONE_ALREADY, alert=False)
    await press.answer()
    await press.reply(
        t.ngettext("Sending to {count} person…", "Sending to {count} people…", count).format(
            count=t.number(count)
        )
    )
    start_delivery(press.context.application, announcement)


def start_delivery(application: Application, announcement: Announcement) -> None:
    """Deliver in the background, so the coordinator can go on meanwhile; one run at a time."""
    in_flight: set[int] = application.bot_data.setdefault(IN_FLIGHT_KEY, set())
    if announcement.id in in_flight:
        return
    in_flight.add(announcement.id)

    async def run() -> None:
        try:
            await deliver(application.bot_data[OUTBOX_KEY], announcement)
        finally:
            in_flight.discard(announcement.id)

    application.create_task(run(), name=f"announcement-{announcement.id}")


async def deliver(outbox: Outbox, announcement: Announcement) -> None:
    """Each pending delivery, then the count for the coordinator who wrote it."""
    services = outbox.services
    for recipient in await announcements.pending(services, announcement):
        t = translator(recipient.language)
        text = (
            "<b>"
            + t.gettext("A message from the coordinator")
            + "</b>\n\n"
            + escape(announcements.text_for(announcement, recipient.language))
        )
        arrived = (await outbox.send(recipient.chat_id, text)).ok
        await announcements.delivered(services, announcement, recipient, arrived)
    counts = await announcements.finish(services, announcement)
    coordinator = await registration.participant(services, announcement.coordinator_id)
    if counts is None or coordinator is None:
        return
    reached, total = counts
    t = tr(coordinator)
    await outbox.send(
        coordinator.chat_id,
        t.ngettext(
            "The announcement reached {reached} of {total} person.",
            "The announcement reached {reached} of {total} people.",
            total,
        ).format(reached=t.number(reached), total=t.number(total)),
    )


HANDLERS = [
    CommandHandler("announce", announce_command, filters=filters.ChatType.PRIVATE),
    on_audience,
    on_languages,
    on_decision,
]
