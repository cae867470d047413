"""Figures for coordinators, computed from plain data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.model.participants import Role, Status
from bot.services import Services
from storage import participants

ROLE_ORDER: tuple[Role | None, ...] = (Role.MENTOR, Role.MENTEE, None, Role.COORDINATOR)


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


async def participant_overview(services: Services) -> list[RoleCount]:
    return participants_by_role(await participants.count_by_role_and_status(services.db))
