"""Stall scans and their episodes: a stalled pair gives its coordinators one alert per episode.

An episode opens with the first alert and closes when the pair recovers (the rules find nothing
any more) or ends. While it is open, scans only keep its reasons current; they alert again when
a snooze is over and the pair still stalls, or when someone newly asks for the coordinator,
feels unsure or blocked the bot: a person waiting for an answer is never held back by an older
alert about the same pair.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum, auto
from typing import TYPE_CHECKING

from bot.model import stalls
from bot.model.journal import JournalEntry
from bot.model.pairs import Side
from bot.model.stalls import (
    Episode,
    Finding,
    Met,
    PairState,
    Rating,
    Reason,
    Signals,
    StallRules,
    Wish,
)
from storage import alert_messages as message_store
from storage import alerts as store
from storage import checkins as checkin_store
from storage import pairs as pair_store
from storage import signals as signals_store
from storage.alerts import EpisodeOp, EpisodeWrite

if TYPE_CHECKING:  # a scan's worker process imports this module: not the services' imports
    from bot.services import Services

SNOOZE = timedelta(days=7)
DIGEST_EVERY = timedelta(days=7)
LATEST_ENTRIES = 3
DIGEST_SIZE = 20
URGENT = frozenset({Reason.WANTS_CONTACT, Reason.UNSURE, Reason.UNREACHABLE})
RATINGS = {"good": Rating.GOOD, "ok": Rating.OK, "difficult": Rating.DIFFICULT}
USEFUL = {"very": Rating.GOOD, "some": Rating.OK, "not": Rating.DIFFICULT}
MET_VALUES = frozenset(m.value for m in Met)
WISH_VALUES = frozenset(w.value for w in Wish)  # "no" (all is fine) is not a wish


class Move(Enum):
    NOTHING = auto()
    OPEN = auto()  # a new episode: alert
    KEEP = auto()  # still stalled: keep the reasons current, no alert
    REALERT = auto()  # the snooze is over, or something urgent is new: alert again
    RESEND = auto()  # the alert was cut off (the bot died while sending it): send it now
    CLOSE = auto()  # recovered


def move(episode: Episode | None, found: list[Finding], now: datetime) -> Move:
    """What a scan does with one pair, given its open episode and what the rules found now."""
    if not found:
        return Move.CLOSE if episode is not None else Move.NOTHING
    if episode is None:
        return Move.OPEN
    if episode.alerted_at is None:
        return Move.RESEND
    if episode.snoozed_until is not None and episode.snoozed_until <= now:
        return Move.REALERT
    known = {(f.reason, f.side) for f in episode.findings}
    if any(f.reason in URGENT and (f.reason, f.side) not in known for f in found):
        return Move.REALERT
    return Move.KEEP


def rules(services: Services) -> StallRules:
    return services.config.stall_rules


# How storage writes each move (a KEEP writes only reasons that changed).
OPS = {
    Move.OPEN: EpisodeOp.OPEN,
    Move.REALERT: EpisodeOp.REALERT,
    Move.RESEND: EpisodeOp.RESEND,
    Move.KEEP: EpisodeOp.UPDATE,
    Move.CLOSE: EpisodeOp.CLOSE,
}


async def scan(services: Services, pair_id: int | None = None) -> list[Episode]:
    """Apply the rules to every open pair (or one) that may stall, and write what changed in
    a few short transactions; the episodes to alert about now.

    A scan of every pair reads and decides in a niced process of its own: thousands of pairs
    that may stall, decoded and judged in this process, made each chat's answer wait behind
    them (presses took up to 290 ms, bench/evaluation.py). Only the writes come back."""
    now = services.clock()
    thresholds = rules(services)
    if pair_id is None:
        writes = await services.db.read_in_process(scan_writes, thresholds, now)
    else:
        rows = await store.scan_rows(services.db, thresholds, now, pair_id)
        writes = changes(rows, thresholds, now)
    return await store.write_scan(services.db, writes, now, close_ended=pair_id is None)


def scan_writes(
    connection: sqlite3.Connection, thresholds: StallRules, now: datetime
) -> list[EpisodeWrite]:
    """What a scan of every open pair writes (in the worker process, on its connection)."""
    return changes(store.read_scan_rows(connection, thresholds, now), thresholds, now)


def changes(
    candidates: Iterable[tuple[PairState, Signals, Episode | None]],
    thresholds: StallRules,
    now: datetime,
) -> list[EpisodeWrite]:
    """The episode writes for the pairs that may stall, by the rules of bot/model/stalls.py."""
    writes = []
    for state, signals, episode in candidates:
        found = stalls.findings(state, signals, thresholds, now)
        write = episode_write(state.pair_id, episode, found, now)
        writes += [write] if write else []
    return writes


def episode_write(
    pair_id: int, episode: Episode | None, found: list[Finding], now: datetime
) -> EpisodeWrite | None:
    """What a scan writes for one pair, if anything."""
    step = move(episode, found, now)
    if step is Move.NOTHING or (
        step is Move.KEEP and episode is not None and tuple(found) == episode.findings
    ):
        return None
    return EpisodeWrite.of(OPS[step], pair_id, found, episode)


async def alerted(services: Services, episode_id: int) -> None:
    await store.mark_alerted(services.db, episode_id, services.clock())


def urgent(episode: Episode) -> bool:
    return any(f.reason in URGENT for f in episode.findings)


async def episode(services: Services, episode_id: int) -> Episode | None:
    return await store.episode_by_id(services.db, episode_id)


async def open_episodes(services: Services) -> list[Episode]:
    return await store.open_episodes(services.db)


async def take(services: Services, episode_id: int, coordinator_id: int) -> bool:
    return await store.take(services.db, episode_id, coordinator_id, services.clock())


async def snooze(services: Services, episode_id: int) -> datetime | None:
    until = services.clock() + SNOOZE
    return until if await store.snooze(services.db, episode_id, until) else None


async def latest_entries(services: Services, pair_id: int) -> list[JournalEntry]:
    return await checkin_store.latest_journal(services.db, pair_id, LATEST_ENTRIES)


async def remember_message(
    services: Services, episode_id: int, chat_id: int, message_id: int, language: str
) -> None:
    await message_store.remember_message(services.db, episode_id, chat_id, message_id, language)


async def messages_of(services: Services, episode_id: int) -> list[tuple[int, int, str]]:
    return await message_store.messages_of(services.db, episode_id)


# -- what each coordinator gets ----------------------------------------------------------------


async def wants_digest(services: Services, coordinator_id: int) -> bool:
    return await message_store.alert_choice(services.db, coordinator_id) == "digest"


async def choose_alerts(services: Services, coordinator_id: int, digest: bool) -> None:
    choice = "digest" if digest else "single"
    await message_store.set_alert_choice(services.db, coordinator_id, choice, services.clock())


async def digest_due(services: Services, coordinator_id: int) -> bool:
    return await message_store.digest_due(
        services.db, coordinator_id, services.clock() - DIGEST_EVERY
    )


async def mark_digest_sent(services: Services, coordinator_id: int) -> None:
    await message_store.mark_digest_sent(services.db, coordinator_id, services.clock())


@dataclass(frozen=True)
class Ranked:
    pair_id: int
    risk: stalls.Risk


async def ranked(services: Services) -> list[Ranked]:
    """The open pairs that stall now, highest risk first (read in a worker process, as scan)."""
    return await services.db.read_in_process(ranked_pairs, rules(services), services.clock())


def ranked_pairs(
    connection: sqlite3.Connection, thresholds: StallRules, now: datetime
) -> list[Ranked]:
    found = [
        Ranked(state.pair_id, stalls.risk(state, signals, thresholds, now))
        for state, signals, _ in store.read_scan_rows(connection, thresholds, now)
    ]
    return sorted((r for r in found if r.risk.reasons), key=lambda r: (-r.risk.score, r.pair_id))


# -- the signals that check-ins give -----------------------------------------------------------


def answered_change(
    side: Side, due_at: datetime, at: datetime, answers: dict[str, object]
) -> Callable[[Signals], Signals]:
    """How a finished check-in's answers change its pair's signals."""
    met = answers.get("met")
    ratings = RATINGS if side is Side.MENTOR else USEFUL
    rating_answer = answers.get("going" if side is Side.MENTOR else "useful")
    wish = answers.get("coordinator")
    return lambda signals: stalls.answered(
        signals,
        side,
        due_at=due_at,
        at=at,
        met=Met(met) if met in MET_VALUES else None,
        rating=ratings.get(rating_answer) if isinstance(rating_answer, str) else None,
        wish=Wish(wish) if wish in WISH_VALUES else None,
    )


def missed_change(side: Side, due_at: datetime) -> Callable[[Signals], Signals]:
    return lambda signals: stalls.missed(signals, side, due_at=due_at)


def unreachable_change(side: Side, at: datetime) -> Callable[[Signals], Signals]:
    return lambda signals: stalls.unreachable(signals, side, at=at)


# -- the signals that planned meetings give ----------------------------------------------------


def meeting_asked_change(start: datetime) -> Callable[[Signals], Signals]:
    """Both were asked whether the meeting planned for `start` took place."""
    return lambda signals: stalls.meeting_asked(signals, start=start)


def meeting_answer_change(side: Side, start: datetime, held: bool) -> Callable[[Signals], Signals]:
    """`side` said whether the meeting planned for `start` took place."""
    if held:
        return lambda signals: stalls.meeting_held(signals, side, start=start)
    return lambda signals: stalls.meeting_not_held(signals, side, start=start)


async def blocked(services: Services, participant_id: int) -> list[int]:
    """Someone blocked the bot: their open pairs' signals say so; those pairs' ids."""
    now = services.clock()
    marked = []
    for pair in await pair_store.open_pairs_of(services.db, participant_id):
        side = pair.side_of(participant_id)
        if side is not None:
            await signals_store.change_signals(
                services.db, pair.id, unreachable_change(side, now), now
            )
            marked.append(pair.id)
    return marked


async def back_in_reach(services: Services, participant_id: int) -> None:
    """Someone who had blocked the bot wrote to it again: their pairs' signals say so."""
    for pair in await pair_store.open_pairs_of(services.db, participant_id):
        side = pair.side_of(participant_id)
        if side is not None:
            await signals_store.change_signals(
                services.db, pair.id, lambda s, d=side: stalls.reachable(s, d), services.clock()
            )
