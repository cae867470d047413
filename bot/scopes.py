"""Coordinators limited to some municipalities, for a partner running several in one installation.

The rule, the same for every list, button, alert, notification and report:

- A coordinator's scope comes from `/scope` (stored, wins) or else from COORDINATOR_SCOPES in the
  configuration; a coordinator with neither is programme-wide and sees everyone. Only
  programme-wide coordinators may set scopes.
- Municipalities compare as `normalise_municipality` makes them: case and spaces do not count.
- A mentee's municipality is their answer in their latest intake; before the intake (or when
  they skipped it) the municipality of the invitation they came through.
- A mentor's municipality is their screening answer. A mentor is also in the scope of every
  coordinator who may see a mentee in an open pair (proposed, active, paused) with them, so the
  coordinator of a pair always sees both sides.
- A pair belongs to its mentee's municipality.
- Someone whose municipality is not known yet (no answer, no invitation) is seen only by
  programme-wide coordinators.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.model.matching import normalise_municipality
from bot.model.participants import Role, RoleCount, Status, participants_by_role
from bot.reports import participant_overview
from bot.services import Services
from storage import scopes as store


@dataclass(frozen=True)
class Scope:
    """The municipalities a coordinator works for, as typed; None: the whole programme."""

    names: tuple[str, ...] | None = None

    @classmethod
    def of(cls, names: Iterable[str]) -> Scope:
        """A scope limited to these municipalities (duplicates and blanks dropped)."""
        kept: dict[str, str] = {}
        for name in names:
            cleaned = " ".join(name.split())
            if cleaned:
                kept.setdefault(normalise_municipality(cleaned), cleaned)
        return cls(tuple(kept.values()))

    @property
    def programme_wide(self) -> bool:
        return self.names is None

    @property
    def municipalities(self) -> frozenset[str] | None:
        """The normalised municipalities; None: all."""
        if self.names is None:
            return None
        return frozenset(normalise_municipality(name) for name in self.names)

    def allows(self, municipality: str | None) -> bool:
        """Whether a participant or pair of this municipality is this coordinator's."""
        wanted = self.municipalities
        if wanted is None:
            return True
        return municipality is not None and normalise_municipality(municipality) in wanted

    def allows_any(self, municipalities: Iterable[str | None]) -> bool:
        return any(self.allows(municipality) for municipality in municipalities)


PROGRAMME_WIDE = Scope()


def invitation_municipality(scope: Scope, typed: str) -> str | None:
    """The municipality an invitation gets: as typed, spelled as the scope spells it, or the
    scope's only one when none is typed; None when the scope does not allow it."""
    cleaned = " ".join(typed.split())
    if scope.names is None:
        return cleaned
    if not cleaned and len(scope.names) == 1:
        return scope.names[0]
    wanted = normalise_municipality(cleaned)
    return next((name for name in scope.names if normalise_municipality(name) == wanted), None)


async def scope_of(services: Services, telegram_user_id: int) -> Scope:
    """A coordinator's scope as it stands now: the stored one, else the configured one."""
    stored = await store.get(services.db, telegram_user_id)
    if stored is not None:
        names = stored.municipalities
        return PROGRAMME_WIDE if names is None else Scope.of(names)
    configured = services.config.coordinator_scopes.get(telegram_user_id)
    return PROGRAMME_WIDE if configured is None else Scope.of(configured)


class Change(StrEnum):
    SAVED = "saved"
    NOT_ALLOWED = "not_allowed"  # only programme-wide coordinators set scopes
    NOT_COORDINATOR = "not_coordinator"
    OWN = "own"  # nobody limits themself, so a programme-wide coordinator always remains


def parse_command(args: Sequence[str]) -> tuple[int, Scope] | None:
    """`/scope <user id> Aarhus, Odense` or `/scope <user id> all`; None when not understood."""
    if len(args) < 2 or not args[0].isdigit():
        return None
    rest = " ".join(args[1:])
    if rest.strip().casefold() == "all":
        return int(args[0]), PROGRAMME_WIDE
    scope = Scope.of(rest.split(","))
    return (int(args[0]), scope) if scope.names else None


async def change_scope(services: Services, by: int, coordinator_id: int, scope: Scope) -> Change:
    """Store a coordinator's scope, which wins over the configuration from now on."""
    if not (await scope_of(services, by)).programme_wide:
        return Change.NOT_ALLOWED
    if not services.is_coordinator(coordinator_id):
        return Change.NOT_COORDINATOR
    if coordinator_id == by:
        return Change.OWN
    await store.put(services.db, coordinator_id, scope.names, by, services.clock())
    return Change.SAVED


async def all_scopes(services: Services) -> list[tuple[int, Scope]]:
    """Every coordinator (Telegram user id, in order) with their scope now."""
    return [
        (coordinator_id, await scope_of(services, coordinator_id))
        for coordinator_id in sorted(services.config.coordinator_ids)
    ]


async def people_in(services: Services, scope: Scope, participant_ids: Iterable[int]) -> set[int]:
    """Those of the participants this scope includes."""
    ids = set(participant_ids)
    if scope.programme_wide or not ids:
        return ids
    places = await store.participant_places(services.db, ids)
    return {pid for pid in ids if scope.allows_any(places.get(pid, ()))}


async def pairs_in(services: Services, scope: Scope, pair_ids: Iterable[int]) -> set[int]:
    """Those of the pairs this scope includes: by the mentee's municipality."""
    ids = set(pair_ids)
    if scope.programme_wide or not ids:
        return ids
    places = await store.pair_places(services.db, ids)
    return {pair_id for pair_id in ids if scope.allows(places.get(pair_id))}


async def includes_person(services: Services, scope: Scope, participant_id: int) -> bool:
    return participant_id in await people_in(services, scope, [participant_id])


async def includes_pair(services: Services, scope: Scope, pair_id: int) -> bool:
    return pair_id in await pairs_in(services, scope, [pair_id])


async def includes_journal_entry(services: Services, scope: Scope, entry_id: int) -> bool:
    """Whether the pair a journal entry belongs to is in the scope (False: no such entry)."""
    pair_id = await store.pair_of_entry(services.db, entry_id)
    return pair_id is not None and await includes_pair(services, scope, pair_id)


async def coordinators_of_person(services: Services, participant_id: int) -> list[int]:
    """The coordinators (Telegram user ids, in order) whose scope includes this participant."""
    return [
        coordinator_id
        for coordinator_id in sorted(services.config.coordinator_ids)
        if await includes_person(services, await scope_of(services, coordinator_id), participant_id)
    ]


async def coordinators_of_pair(services: Services, pair_id: int) -> list[int]:
    """The coordinators (Telegram user ids, in order) whose scope includes this pair."""
    return [
        coordinator_id
        for coordinator_id in sorted(services.config.coordinator_ids)
        if await includes_pair(services, await scope_of(services, coordinator_id), pair_id)
    ]


async def overview(services: Services, scope: Scope) -> list[RoleCount]:
    """/participants: every role for the whole programme; mentors and mentees for a scope."""
    if scope.programme_wide:
        return await participant_overview(services)
    people = await store.mentors_and_mentees(services.db)
    inside = await people_in(services, scope, (pid for pid, _, _ in people))
    counts = Counter((Role(role), Status(status)) for pid, role, status in people if pid in inside)
    return [row for row in participants_by_role(counts) if row.role in (Role.MENTOR, Role.MENTEE)]
