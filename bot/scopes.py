"""Coordinators limited to some municipalities, for a partner running several in one installation.

The rule, the same for every list, button, alert, notification and report:

- A coordinator's scope comes from `/scope` (stored, wins) or else from COORDINATOR_SCOPES in the
  configuration; a coordinator with neither is programme-wide and sees everyone. Only
  programme-wide coordinators may set scopes.
- A scope is a set of municipalities and whole regions, kept as their codes
  (bot/model/municipalities.py); names, aliases or codes name them in the configuration and in
  /scope, and an unknown one is refused. A region stays one entry: it is shown by its name, and
  includes each of its municipalities.
- A mentee's municipality is their answer in their latest intake; before the intake (or when
  they skipped it) the municipality of the invitation they came through.
- A mentor's municipality is their screening answer. A mentor is also in the scope of every
  coordinator who may see a mentee in an open pair (proposed, active, paused) with them, so the
  coordinator of a pair always sees both sides.
- A pair belongs to its mentee's municipality.
- Someone whose municipality is not known yet (no answer, no invitation, or an old answer the
  list could not place) is seen only by programme-wide coordinators.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.model.municipalities import (
    Municipality,
    Region,
    Unknown,
    covers,
    exact,
    municipalities_of,
    resolve,
    scope_place,
    unknown,
)
from bot.model.participants import Role, RoleCount, Status, participants_by_role
from bot.reports import participant_overview
from bot.services import Services
from storage import scopes as store


@dataclass(frozen=True)
class Scope:
    """The municipalities and regions (codes) a coordinator works for; None: the whole
    programme."""

    codes: tuple[int, ...] | None = None

    @classmethod
    def of(cls, stored: Iterable[object]) -> Scope:
        """A scope limited to these municipalities and regions: codes as stored, or names as
        once typed (anything unknown is left out)."""
        codes: dict[int, None] = {}
        for entry in stored:
            known = scope_place(entry)
            if known is not None:
                codes.setdefault(known.code)
        return cls(tuple(codes))

    @property
    def programme_wide(self) -> bool:
        return self.codes is None

    @property
    def places(self) -> tuple[Municipality | Region, ...] | None:
        """The municipalities and regions as named; None: all."""
        if self.codes is None:
            return None
        return tuple(named for named in map(scope_place, self.codes) if named is not None)

    @property
    def municipalities(self) -> tuple[Municipality, ...] | None:
        """Every municipality in the scope, a region's among them; None: all."""
        if self.places is None:
            return None
        inside = {m.code: m for named in self.places for m in municipalities_of(named)}
        return tuple(inside.values())

    def allows(self, municipality: object) -> bool:
        """Whether a participant or pair of this municipality (a stored code, or an old answer
        as typed, which no limited scope includes) is this coordinator's."""
        return self.codes is None or covers(self.codes, municipality)

    def allows_any(self, municipalities: Iterable[object]) -> bool:
        return any(self.allows(municipality) for municipality in municipalities)


PROGRAMME_WIDE = Scope()


@dataclass(frozen=True)
class Invitation:
    """Where a new invitation is for: a municipality (None: not said), or why it cannot be."""

    municipality: Municipality | None = None
    unknown: Unknown | None = None  # not a municipality
    outside: bool = False  # not one of the coordinator's (or, with several, none named)


def invitation_municipality(scope: Scope, typed: str) -> Invitation:
    """The municipality an invitation gets: the one typed (a name, alias or code), or the
    scope's only one when none is typed."""
    cleaned = " ".join(typed.split())
    if not cleaned:
        inside = scope.municipalities
        if inside is not None and len(inside) == 1:
            return Invitation(inside[0])
        return Invitation(outside=inside is not None)
    found = exact(cleaned)
    if found is None:
        return Invitation(unknown=unknown(cleaned))
    if not scope.allows(found.code):
        return Invitation(outside=True)
    return Invitation(found)


async def scope_of(services: Services, telegram_user_id: int) -> Scope:
    """A coordinator's scope as it stands now: the stored one, else the configured one."""
    stored = await store.get(services.db, telegram_user_id)
    if stored is not None:
        stored_codes = stored.municipalities
        return PROGRAMME_WIDE if stored_codes is None else Scope.of(stored_codes)
    configured = services.config.coordinator_scopes.get(telegram_user_id)
    return PROGRAMME_WIDE if configured is None else Scope.of(configured)


class Change(StrEnum):
    SAVED = "saved"
    NOT_ALLOWED = "not_allowed"  # only programme-wide coordinators set scopes
    NOT_COORDINATOR = "not_coordinator"
    OWN = "own"  # nobody limits themself, so a programme-wide coordinator always remains


@dataclass(frozen=True)
class ScopeCommand:
    """`/scope <user id> Aarhus, Region Syddanmark` or `/scope <user id> all`, read."""

    user_id: int
    scope: Scope
    unknown: tuple[Unknown, ...] = ()  # names that are no municipality: nothing is saved


def parse_command(args: Sequence[str]) -> ScopeCommand | None:
    """The command's coordinator, municipalities and regions; None when not understood."""
    if len(args) < 2 or not args[0].isdigit():
        return None
    rest = " ".join(args[1:])
    if rest.strip().casefold() == "all":
        return ScopeCommand(int(args[0]), PROGRAMME_WIDE)
    found, refused = resolve(rest.split(","))
    if not found and not refused:
        return None
    return ScopeCommand(int(args[0]), Scope(tuple(named.code for named in found)), refused)


async def change_scope(services: Services, by: int, coordinator_id: int, scope: Scope) -> Change:
    """Store a coordinator's scope, which wins over the configuration from now on."""
    if not (await scope_of(services, by)).programme_wide:
        return Change.NOT_ALLOWED
    if not services.is_coordinator(coordinator_id):
        return Change.NOT_COORDINATOR
    if coordinator_id == by:
        return Change.OWN
    await store.put(services.db, coordinator_id, scope.codes, by, services.clock())
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
