from datetime import UTC, datetime

import pytest

from bot.commands import commands_for, coordinator_command_names
from bot.model.participants import (
    OnboardingStep,
    Participant,
    Role,
    Status,
    onboarding_step,
    participants_by_role,
)

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def person(*, role: Role | None = None, language_chosen: bool = False) -> Participant:
    return Participant(1, 100, 100, role, "da", language_chosen, Status.ACTIVE, NOW, NOW)


@pytest.mark.parametrize(
    ("participant", "coordinator", "step"),
    [
        (person(), False, OnboardingStep.CHOOSE_LANGUAGE),
        (person(role=Role.MENTOR), False, OnboardingStep.CHOOSE_LANGUAGE),
        (person(language_chosen=True), False, OnboardingStep.CHOOSE_ROLE),
        (person(role=Role.MENTEE, language_chosen=True), False, OnboardingStep.WELCOME_BACK),
        (person(role=Role.COORDINATOR, language_chosen=True), False, OnboardingStep.CHOOSE_ROLE),
        (person(), True, OnboardingStep.COORDINATOR),
    ],
)
def test_first_conversation_goes_language_then_role(
    participant: Participant, coordinator: bool, step: OnboardingStep
) -> None:
    assert onboarding_step(participant, is_coordinator=coordinator) is step


def test_coordinator_commands_are_only_in_the_coordinator_menu() -> None:
    everyone = {command.name for command in commands_for(Role.MENTOR)}
    coordinator = {command.name for command in commands_for(Role.COORDINATOR)}
    assert coordinator_command_names() <= coordinator
    assert not coordinator_command_names() & everyone
    assert {"start", "help", "language"} <= everyone


def test_overview_counts_every_role_and_the_unreachable() -> None:
    rows = participants_by_role(
        {
            (Role.MENTOR, Status.ACTIVE): 3,
            (Role.MENTOR, Status.UNREACHABLE): 1,
            (None, Status.ACTIVE): 2,
        }
    )
    assert [(row.role, row.total, row.unreachable) for row in rows] == [
        (Role.MENTOR, 4, 1),
        (Role.MENTEE, 0, 0),
        (None, 2, 0),
        (Role.COORDINATOR, 0, 0),
    ]
