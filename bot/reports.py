"""The participant overview for coordinators: everyone counted by role and status."""

from __future__ import annotations

from bot.model.participants import RoleCount, participants_by_role
from bot.services import Services
from storage import participants


async def participant_overview(services: Services) -> list[RoleCount]:
    return participants_by_role(await participants.count_by_role_and_status(services.db))
