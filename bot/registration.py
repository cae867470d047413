"""First contact: recording who someone is, their language and their role."""

from __future__ import annotations

from dataclasses import dataclass

from bot import alerts
from bot.i18n import SUPPORTED_LANGUAGES, guess_language
from bot.model.participants import (
    OnboardingStep,
    Participant,
    Role,
    Status,
    onboarding_step,
    self_chosen_roles,
)
from bot.model.recruitment import Channel, ChannelCount, code_from_payload, new_code
from bot.services import Services
from storage import participants, recruitment


@dataclass(frozen=True)
class Contact:
    """Who wrote to the bot, as Telegram tells it."""

    telegram_user_id: int
    chat_id: int
    language_code: str | None


class NotAllowedError(Exception):
    """The person may not make this choice (e.g. a coordinator picking a self-chosen role)."""


async def identify(services: Services, contact: Contact) -> Participant:
    """The participant behind a contact, created or refreshed only when something changed."""
    coordinator = services.is_coordinator(contact.telegram_user_id)
    known = await participants.get(services.db, contact.telegram_user_id)
    if known is not None and not _needs_refresh(known, contact, coordinator):
        return known
    language = (
        known.language
        if known is not None
        else guess_language(contact.language_code, services.config.default_language)
    )
    refreshed = await participants.record_contact(
        services.db,
        telegram_user_id=contact.telegram_user_id,
        chat_id=contact.chat_id,
        language_guess=language,
        coordinator=coordinator,
        now=services.clock(),
    )
    if known is not None and known.status is Status.UNREACHABLE:
        await alerts.back_in_reach(services, refreshed.id)
    return refreshed


async def start(services: Services, contact: Contact) -> tuple[Participant, OnboardingStep]:
    """Identify the person and decide the next step of the first conversation."""
    participant = await identify(services, contact)
    return participant, onboarding_step_of(services, participant)


def onboarding_step_of(services: Services, participant: Participant) -> OnboardingStep:
    return onboarding_step(
        participant, is_coordinator=services.is_coordinator(participant.telegram_user_id)
    )


async def choose_language(services: Services, contact: Contact, language: str) -> Participant:
    if language not in SUPPORTED_LANGUAGES:
        raise NotAllowedError(language)
    await identify(services, contact)
    chosen = await participants.set_language(
        services.db, contact.telegram_user_id, language, services.clock()
    )
    assert chosen is not None
    return chosen


async def choose_role(services: Services, contact: Contact, role: Role) -> Participant:
    """Record a self-chosen role once; a later choice keeps the first (it is not a toggle)."""
    participant = await identify(services, contact)
    if role not in self_chosen_roles() or services.is_coordinator(contact.telegram_user_id):
        raise NotAllowedError(role)
    if participant.role is not None:
        return participant
    chosen = await participants.set_role(
        services.db, contact.telegram_user_id, role, services.clock()
    )
    assert chosen is not None
    return chosen


async def mark_unreachable(services: Services, telegram_user_id: int) -> Participant | None:
    """The person blocked the bot: they stay in the programme, but messages cannot reach them."""
    return await participants.mark_unreachable(services.db, telegram_user_id, services.clock())


async def mark_unreachable_by_id(services: Services, participant_id: int) -> None:
    person = await participants.by_id(services.db, participant_id)
    if person is not None:
        await mark_unreachable(services, person.telegram_user_id)


def _needs_refresh(known: Participant, contact: Contact, coordinator: bool) -> bool:
    return (
        known.chat_id != contact.chat_id
        or known.status is not Status.ACTIVE
        or (known.role is Role.COORDINATOR) != coordinator
    )


async def participant(services: Services, participant_id: int) -> Participant | None:
    """A participant by the programme's own id (not the Telegram id)."""
    return await participants.by_id(services.db, participant_id)


async def participant_by_telegram_id(
    services: Services, telegram_user_id: int
) -> Participant | None:
    return await participants.get(services.db, telegram_user_id)


async def language_of(services: Services, telegram_user_id: int) -> str:
    """The language someone chose, or the default for someone the bot has not met."""
    known = await participants.get(services.db, telegram_user_id)
    return known.language if known else services.config.default_language


async def attach_channel(services: Services, participant: Participant, payload: str) -> Participant:
    """Record the recruitment channel of a /start link; unknown codes are ignored."""
    code = code_from_payload(payload)
    if code is None or participant.recruitment_channel_id is not None:
        return participant
    channel = await recruitment.by_code(services.db, code)
    if channel is None:
        return participant
    updated = await participants.set_recruitment_channel(
        services.db, participant.telegram_user_id, channel.id, services.clock()
    )
    return updated or participant


async def create_channel(services: Services, name: str, coordinator_id: int) -> Channel:
    """A recruitment channel with an unguessable code for its deep link."""
    return await recruitment.create_channel(
        services.db, code=new_code(), name=name, created_by=coordinator_id, now=services.clock()
    )


async def channel_results(services: Services) -> list[ChannelCount]:
    """Every recruitment channel with the people who came through it."""
    return await recruitment.counts(services.db)
