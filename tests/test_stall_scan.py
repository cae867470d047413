"""The stall scan's SQL leaves out only pairs the rules would not find stalled."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.model import stalls
from bot.model.pairs import PairStatus, Side
from bot.model.participants import Role
from bot.model.stalls import Met, Rating, Signals, StallRules, Wish
from storage import Database, open_database
from storage import alerts as store
from storage import pairs as pair_store
from storage import participants as participant_store
from storage import signals as signals_store

START = datetime(2026, 1, 5, 10, tzinfo=UTC)
RULES = StallRules()
# Thresholds of zero let every open pair through the SQL: the rules alone decide.
EVERYONE = StallRules(
    no_meeting_days=0,
    agreed_meetings_missed=0,
    missed_in_a_row=0,
    difficult_in_a_row=0,
    proposal_days=0,
)


async def person(db: Database, telegram_id: int, role: Role) -> int:
    await participant_store.record_contact(
        db,
        telegram_user_id=telegram_id,
        chat_id=telegram_id,
        language_guess="en",
        coordinator=False,
        now=START,
    )
    chosen = await participant_store.set_role(db, telegram_id, role, START)
    assert chosen is not None
    return chosen.id


async def pair(db: Database, number: int, *, accepted: bool = True, started: datetime = START):
    mentor = await person(db, 1000 + number, Role.MENTOR)
    mentee = await person(db, 2000 + number, Role.MENTEE)
    proposal = await pair_store.propose(
        db,
        mentor_id=mentor,
        mentee_id=mentee,
        score=50,
        reasons=[],
        coordinator_id=1,
        actor_id=1,
        now=started,
    )
    assert proposal is not None
    if accepted:
        for side, actor in ((Side.MENTOR, mentor), (Side.MENTEE, mentee)):
            await pair_store.answer(
                db, proposal.id, side, True, actor_id=actor, reason=None, now=started
            )
    return proposal.id


async def signals(db: Database, pair_id: int, change: Callable[[Signals], Signals]) -> None:
    await signals_store.change_signals(db, pair_id, change, START)


async def found(db: Database, rules: StallRules, now: datetime) -> dict[int, list]:
    """What the rules find among the pairs the SQL keeps, read as a scan reads them: in a
    worker process."""
    return await db.read_in_process(_found, rules, now)


def _found(connection: sqlite3.Connection, rules: StallRules, now: datetime) -> dict[int, list]:
    return {
        state.pair_id: stalls.findings(state, sig, RULES, now)
        for state, sig, _ in store.read_scan_rows(connection, rules, now)
    }


async def test_the_sql_keeps_every_pair_the_rules_find(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "scan.sqlite3")
    try:
        await check_scan(db)
    finally:
        await db.close()


async def check_scan(db: Database) -> None:
    day = timedelta(days=1)
    quiet = await pair(db, 1)  # no meeting since the start
    met = await pair(db, 2)
    await signals(
        db,
        met,
        lambda s: stalls.answered(
            s,
            Side.MENTOR,
            due_at=START,
            at=START + 15 * day,
            met=Met.IN_PERSON,
            rating=Rating.GOOD,
            wish=None,
        ),
    )
    agreed = await pair(db, 3)
    await pair_store.set_agreement(
        db, agreed, 4, (START + 180 * day).date(), START
    )  # weekly: 15 days without
    missing = await pair(db, 4)
    for week in (0, 2):
        await signals(
            db, missing, lambda s, w=week: stalls.missed(s, Side.MENTEE, due_at=START + w * 7 * day)
        )
    hard = await pair(db, 5)
    for week in (0, 2):
        await signals(
            db,
            hard,
            lambda s, w=week: stalls.answered(
                s,
                Side.MENTOR,
                due_at=START + w * 7 * day,
                at=START + w * 7 * day,
                met=Met.IN_PERSON,
                rating=Rating.DIFFICULT,
                wish=None,
            ),
        )
    wish = await pair(db, 6)
    await signals(
        db,
        wish,
        lambda s: stalls.answered(
            s,
            Side.MENTEE,
            due_at=START,
            at=START + day,
            met=Met.IN_PERSON,
            rating=Rating.GOOD,
            wish=Wish.UNSURE,
        ),
    )
    blocked = await pair(db, 7)
    await signals(db, blocked, lambda s: stalls.unreachable(s, Side.MENTOR, at=START))
    await pair_store.move(
        db,
        blocked,
        allowed_from=(PairStatus.ACTIVE,),
        to=PairStatus.PAUSED,
        event="paused",
        actor_id=None,
        detail=None,
        now=START,
    )
    proposed = await pair(db, 8, accepted=False)

    for now in (START + 5 * day, START + 16 * day, START + 21 * day, START + 40 * day):
        everyone = await found(db, EVERYONE, now)
        candidates = await found(db, RULES, now)
        stalled = {pair_id for pair_id, findings in everyone.items() if findings}
        assert stalled <= set(candidates), now
        assert all(candidates[p] == everyone[p] for p in stalled)
    at_16 = await found(db, RULES, START + 16 * day)
    assert set(at_16) == {agreed, missing, hard, wish, blocked, proposed}  # not the quiet ones
    at_21 = await found(db, RULES, START + 21 * day)
    assert {quiet, proposed} <= set(at_21) and met not in at_21
