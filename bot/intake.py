"""A mentee's way in: the invitation, the introduction, the intake, the list for matching."""

from __future__ import annotations

from bot.model.mentees import (
    INTRODUCTION,
    Intake,
    Referral,
    new_referral_code,
    referral_code,
)
from bot.model.municipalities import Municipality
from bot.model.participants import Participant, Role
from bot.model.questionnaire import Run
from bot.services import Services
from storage import mentees as store
from storage import participants as participant_store


async def invite(
    services: Services, coordinator_id: int, municipality: Municipality | None
) -> Referral:
    """A personal invitation link for one referred mentee, optionally with the municipality."""
    return await store.create_referral(
        services.db,
        code=new_referral_code(),
        municipality=None if municipality is None else str(municipality.code),
        created_by=coordinator_id,
        now=services.clock(),
    )


async def accept_invitation(
    services: Services, participant: Participant, payload: str
) -> Participant:
    """Tie an invitation to the person who opened it; they are a mentee from then on."""
    code = referral_code(payload)
    if code is None or participant.role not in (None, Role.MENTEE):
        return participant
    if await store.claim_referral(services.db, code, participant.id, services.clock()) is None:
        return participant
    if participant.role is None:
        updated = await participant_store.set_role(
            services.db, participant.telegram_user_id, Role.MENTEE, services.clock()
        )
        return updated or participant
    return participant


async def referral_of(services: Services, participant: Participant) -> Referral | None:
    return await store.referral_of(services.db, participant.id)


async def introduction_step(services: Services, participant: Participant) -> int:
    """Where the person is in the introduction, starting it if it has not begun."""
    step = await store.introduction_step(services.db, participant.id)
    if step is None:
        step = await store.begin_introduction(services.db, participant.id, services.clock())
    return step


async def current_introduction_step(services: Services, participant: Participant) -> int | None:
    """Where the person is in the introduction; None if it has not begun."""
    return await store.introduction_step(services.db, participant.id)


async def next_introduction_step(
    services: Services, participant: Participant, from_step: int
) -> int | None:
    """Go on from `from_step`; None if that step is not where the person is (a stale Next)."""
    moved = await store.advance_introduction(
        services.db, participant.id, from_step, len(INTRODUCTION), services.clock()
    )
    return from_step + 1 if moved else None


async def submit(services: Services, run: Run) -> Intake | None:
    return await store.submit_intake(services.db, run, services.clock())


async def intake_of(services: Services, participant: Participant) -> Intake | None:
    return await store.intake_of(services.db, participant.id)
