"""Participants and where each of them stands in the first conversation. No Telegram types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"
    COORDINATOR = "coordinator"


class Status(StrEnum):
    ACTIVE = "active"
    UNREACHABLE = "unreachable"  # the person blocked the bot


ROLE_ORDER: tuple[Role | None, ...] = (Role.MENTOR, Role.MENTEE, None, Role.COORDINATOR)


class OnboardingStep(StrEnum):
    """What the bot should do when the person says /start."""

    CHOOSE_LANGUAGE = "choose_language"
    CHOOSE_ROLE = "choose_role"
    WELCOME_BACK = "welcome_back"
    COORDINATOR = "coordinator"


@dataclass(frozen=True)
class Participant:
    id: int
    telegram_user_id: int
    chat_id: int
    role: Role | None
    language: str
    language_chosen: bool
    status: Status
    created_at: datetime
    updated_at: datetime
    recruitment_channel_id: int | None = None


def onboarding_step(participant: Participant, *, is_coordinator: bool) -> OnboardingStep:
    """The next step of the first conversation: language, then role, then the usual welcome."""
    if is_coordinator:
        return OnboardingStep.COORDINATOR
    if not participant.language_chosen:
        return OnboardingStep.CHOOSE_LANGUAGE
    if participant.role is None or participant.role is Role.COORDINATOR:
        return OnboardingStep.CHOOSE_ROLE
    return OnboardingStep.WELCOME_BACK


def self_chosen_roles() -> tuple[Role, ...]:
    """The roles a person may pick for themself; coordinators are named in the configuration."""
    return (Role.MENTOR, Role.MENTEE)


@dataclass(frozen=True)
class RoleCount:
    role: Role | None  # None: has not chosen a role yet
    total: int
    unreachable: int


def participants_by_role(counts: Mapping[tuple[Role | None, Status], int]) -> list[RoleCount]:
    """One row per role (mentors, mentees, undecided, coordinators), all of them, zeros too."""
    rows = []
    for role in ROLE_ORDER:
        unreachable = counts.get((role, Status.UNREACHABLE), 0)
        total = counts.get((role, Status.ACTIVE), 0) + unreachable
        rows.append(RoleCount(role=role, total=total, unreachable=unreachable))
    return rows
