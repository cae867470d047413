"""Announcements from a coordinator to a group, written once for all or once per language."""

from __future__ import annotations

from bot.i18n import SUPPORTED_LANGUAGES
from bot.model.announcements import Announcement, Recipient
from bot.model.participants import Participant
from bot.scopes import Scope, people_in
from bot.services import Services
from storage import announcements as store
from storage import pairs as pair_store

AUDIENCES = ("mentors", "mentees", "mentors_without_course", "active_pairs")
ALL_LANGUAGES = "*"
PROMPT = "announcement"
MAX_TEXT = 3500  # room for the heading within Telegram's 4,096 characters


def missing_language(announcement: Announcement) -> str | None:
    """The language whose text is still to be written ("*": the one text for all); None when
    the announcement is complete."""
    wanted = SUPPORTED_LANGUAGES if announcement.per_language else (ALL_LANGUAGES,)
    return next((lang for lang in wanted if lang not in announcement.texts), None)


def text_for(announcement: Announcement, language: str) -> str:
    return announcement.texts.get(language) or announcement.texts[ALL_LANGUAGES]


async def create(
    services: Services, coordinator: Participant, audience: str, per_language: bool
) -> Announcement:
    created = await store.create(
        services.db, coordinator.id, audience, per_language, services.clock()
    )
    announcement = await store.get(services.db, created)
    assert announcement is not None
    return announcement


async def get(services: Services, announcement_id: int) -> Announcement | None:
    return await store.get(services.db, announcement_id)


async def add_text(
    services: Services, announcement: Announcement, text: str
) -> Announcement | None:
    """Store the text of the language still missing; None if the draft was sent or cancelled."""
    language = missing_language(announcement)
    if language is None or not await store.set_text(services.db, announcement.id, language, text):
        return None
    return await store.get(services.db, announcement.id)


async def within(services: Services, scope: Scope, audience: str) -> list[int] | None:
    """The audience's people in a coordinator's scope; None: everyone (programme-wide)."""
    if scope.programme_wide:
        return None
    everyone = await store.audience_ids(services.db, audience)
    return sorted(await people_in(services, scope, everyone))


async def audience_size(services: Services, audience: str, scope: Scope) -> int:
    """How many the group has, counting only the coordinator's municipalities."""
    return await store.audience_size(services.db, audience, await within(services, scope, audience))


async def start_sending(services: Services, announcement: Announcement, scope: Scope) -> int | None:
    """Fix who gets it: the group as it is now, within the coordinator's municipalities."""
    only = await within(services, scope, announcement.audience)
    return await store.start_sending(services.db, announcement.id, services.clock(), only)


async def cancel(services: Services, announcement: Announcement) -> bool:
    return await store.cancel(services.db, announcement.id)


async def pending(services: Services, announcement: Announcement) -> list[Recipient]:
    return await store.pending(services.db, announcement.id)


async def delivered(
    services: Services, announcement: Announcement, recipient: Recipient, arrived: bool
) -> None:
    await store.mark_delivery(services.db, announcement.id, recipient.participant_id, arrived)


async def finish(services: Services, announcement: Announcement) -> tuple[int, int] | None:
    return await store.finish(services.db, announcement.id)


async def interrupted(services: Services) -> list[Announcement]:
    return await store.sending(services.db)


async def remember_prompt(
    services: Services, chat_id: int, message_id: int, announcement: Announcement
) -> None:
    """The message the coordinator answers with the text, by replying to it."""
    await pair_store.add_prompt(
        services.db, chat_id, message_id, PROMPT, announcement.id, services.clock()
    )


async def prompted(services: Services, chat_id: int, message_id: int) -> Announcement | None:
    """The announcement a reply to this message writes, if the message asked for one."""
    asked = await pair_store.prompt(services.db, chat_id, message_id)
    if asked is None or asked[0] != PROMPT:
        return None
    return await store.get(services.db, asked[1])
