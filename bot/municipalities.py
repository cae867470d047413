"""Old municipality answers as typed, which the list could not place, and a coordinator's fix
(the list and the matching: bot/model/municipalities.py; the placing at start and the record
of who placed what: storage/municipality_codes.py)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.model.municipalities import Municipality, by_code, near
from bot.services import Services
from storage import municipality_codes as store


@dataclass(frozen=True)
class TypedAnswer:
    """A person's municipality as they typed it, with the municipalities it may be."""

    run_id: int
    typed: str
    near: tuple[Municipality, ...]


async def typed_answer(services: Services, participant_id: int) -> TypedAnswer | None:
    """The person's municipality when it is an old answer the list could not place."""
    found = await store.typed_answer(services.db, participant_id)
    if found is None:
        return None
    run_id, typed = found
    return TypedAnswer(run_id, typed, near(typed))


async def place(
    services: Services, coordinator_id: int, participant_id: int, run_id: int, code: int
) -> Municipality | None:
    """A coordinator places the answer in a municipality, recorded with who did it; None when
    it is no longer theirs to place (placed already, or no such municipality)."""
    municipality = by_code(code)
    if municipality is None:
        return None
    placed = await store.place_answer(
        services.db, participant_id, run_id, code, coordinator_id, services.clock()
    )
    return municipality if placed else None
