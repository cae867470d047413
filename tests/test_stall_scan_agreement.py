"""The scan in SQL and the pure rules agree: on a seeded programme of a few hundred pairs with
varied signals, the pairs with an open episode, and its reasons, are exactly those
bot/model/stalls.py finds for each pair computed one by one; after time passes, some pairs
recover, some alerts are snoozed and others cut off, they still are."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.seed import add_pairs, add_participants
from bot import alerts
from bot.config import load_config
from bot.model import stalls
from bot.model.pairs import Side
from bot.model.stalls import Finding, Met, PairState, Rating, Reason, Signals, Wish
from bot.services import Services
from storage import Database, open_database
from storage import signals as signals_store

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
PAIRS = 300
COORDINATOR = 900001
STATUSES = ("proposed", "active", "active", "active", "paused", "ended", "declined")
FREQUENCIES = (None, None, 0, 1, 2, 4)
MET = (Met.IN_PERSON, Met.ONLINE)
FINE = (Rating.GOOD, Rating.OK, None)
TROUBLES = (
    "none",
    "quiet",
    "missing",
    "difficult",
    "wish",
    "unreachable",
    "diverging",
    "meeting_not_held",  # one side says a planned meeting did not take place
    "unconfirmed",  # nobody answered whether a planned meeting took place
)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def days(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(days=rng.uniform(low, high))


def draw_state(rng: random.Random, pair_id: int) -> PairState:
    """A pair in any state a scan meets, proposed (and started) up to 90 days ago."""
    status = rng.choice(STATUSES)
    proposed = NOW - days(rng, 0, 90)
    started = proposed + days(rng, 0, 2) if status in ("active", "paused", "ended") else None
    answered = [started is not None or rng.random() < 0.5 for _ in Side]
    return PairState(
        pair_id=pair_id,
        status=status,
        proposed_at=proposed,
        started_at=started,
        meetings_per_month=rng.choice(FREQUENCIES) if started else None,
        mentor_answered=answered[0],
        mentee_answered=answered[1],
    )


def pair_row(state: PairState, mentor: int, mentee: int) -> dict[str, object]:
    return {
        "mentor_id": mentor,
        "mentee_id": mentee,
        "status": state.status,
        "score": 50,
        "proposed_by": COORDINATOR,
        "proposed_at": state.proposed_at,
        "mentor_answer": "accepted" if state.mentor_answered else None,
        "mentee_answer": "accepted" if state.mentee_answered else None,
        "started_at": state.started_at,
        "ended_at": NOW if state.status == "ended" else None,
        "outcome": None,
        "job_start": None,
        "job_hours": None,
        "job_matches_qualifications": None,
        "meetings_per_month": state.meetings_per_month,
        "updated_at": state.proposed_at,
    }


def history(rng: random.Random, signals: Signals, until: datetime, rounds: int) -> Signals:
    """Weekly check-ins, the last due two days before `until`: both sides meet and are content,
    but for one trouble (or none) of one side in the last one to three rounds. A planned
    meeting comes before a round: one side says it did not happen, or both were asked about
    it (up to eight days before `until`) and nobody answered."""
    trouble, troubled, last = rng.choice(TROUBLES), rng.choice(list(Side)), rng.randint(1, 3)
    for week in range(rounds):
        due = until - timedelta(weeks=rounds - 1 - week, days=2)
        late = week >= rounds - last
        for side in Side:
            mine = late and side is troubled
            if mine and trouble == "missing":
                signals = stalls.missed(signals, side, due_at=due)
            elif mine and trouble == "meeting_not_held":
                signals = stalls.meeting_not_held(signals, side, start=due - days(rng, 1, 6))
            elif mine and trouble == "unreachable":
                signals = stalls.unreachable(signals, side, at=due)
            else:
                if mine and trouble == "unconfirmed":
                    signals = stalls.meeting_asked(signals, start=due - days(rng, 0, 6))
                quiet = (late and trouble in ("quiet", "unconfirmed")) or (
                    mine and trouble == "diverging"
                )
                signals = stalls.answered(
                    signals,
                    side,
                    due_at=due,
                    at=due + days(rng, 0, 2),
                    met=Met.NO if quiet else rng.choice(MET),
                    rating=Rating.DIFFICULT
                    if mine and trouble == "difficult"
                    else rng.choice(FINE),
                    wish=rng.choice(list(Wish)) if mine and trouble == "wish" else None,
                )
    return signals


async def seed(db: Database, rng: random.Random) -> dict[int, tuple[PairState, Signals]]:
    """The programme: each pair's state and signals, as written."""
    people = await add_participants(
        db,
        (
            (5000 + n, "mentor" if n % 2 else "mentee", "en", "active", None, NOW)
            for n in range(2 * PAIRS)
        ),
    )
    first = await add_pairs(db, [])  # the id the first pair will get
    states = [draw_state(rng, first + n) for n in range(PAIRS)]
    await add_pairs(
        db, (pair_row(state, people + 2 * n + 1, people + 2 * n) for n, state in enumerate(states))
    )
    programme = {}
    for state in states:
        signals = Signals(state.pair_id)
        if state.started_at is not None:
            weeks = max((NOW - state.started_at).days // 7, 0)
            signals = history(rng, signals, NOW, rng.randint(0, min(weeks, 6)))
        if signals != Signals(state.pair_id) or rng.random() < 0.5:  # some have no row yet
            await signals_store.change_signals(db, state.pair_id, lambda _, s=signals: s, NOW)
        programme[state.pair_id] = (state, signals)
    return programme


def stalled(
    programme: dict[int, tuple[PairState, Signals]], services: Services
) -> dict[int, tuple[Finding, ...]]:
    """What the rules find, pair by pair, with no SQL in between."""
    rules, now = services.config.stall_rules, services.clock()
    found = {
        pair_id: tuple(stalls.findings(state, signals, rules, now))
        for pair_id, (state, signals) in programme.items()
        if state.status in ("proposed", "active", "paused")
    }
    return {pair_id: findings for pair_id, findings in found.items() if findings}


async def open_episodes(services: Services) -> dict[int, tuple[Finding, ...]]:
    return {e.pair_id: e.findings for e in await alerts.open_episodes(services)}


async def journal_kinds(db: Database) -> list[str]:
    rows = await db.fetch_all("SELECT kind FROM journal WHERE role = 'bot' ORDER BY id")
    return [row["kind"] for row in rows]


async def test_the_scan_and_the_rules_agree_on_a_seeded_programme(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "programme.sqlite3")
    try:
        await check_programme(db, random.Random(20260601))
    finally:
        await db.close()


async def check_programme(db: Database, rng: random.Random) -> None:
    clock = Clock()
    config = load_config({"BOT_TOKEN": "424242:StallScanAgreementToken_0123456789"})
    services = Services(config=config, db=db, clock=clock)
    programme = await seed(db, rng)

    expected = stalled(programme, services)
    assert 50 < len(expected) < PAIRS - 50  # varied: many stall, many do not
    found = {finding.reason for findings in expected.values() for finding in findings}
    assert found >= {Reason.MEETING_NOT_HELD, Reason.MEETING_UNCONFIRMED}  # planned meetings too
    sent = await alerts.scan(services)
    assert await open_episodes(services) == expected
    assert sorted(e.pair_id for e in sent) == sorted(expected)
    assert await journal_kinds(db) == ["stalled"] * len(expected)

    # Most alerts go out, some are snoozed, the rest are cut off; a week later some pairs had
    # another round of check-ins, and every pair's time without a meeting grew.
    for episode in sent:
        if rng.random() < 0.8:
            await alerts.alerted(services, episode.id)
        if rng.random() < 0.3:
            await alerts.snooze(services, episode.id)
    clock.now = NOW + timedelta(days=7, hours=1)
    for pair_id, (state, signals) in programme.items():
        if rng.random() < 0.3:
            signals = history(rng, signals, clock.now, 1)
            await signals_store.change_signals(db, pair_id, lambda _, s=signals: s, clock.now)
            programme[pair_id] = (state, signals)

    later = stalled(programme, services)
    assert set(later) != set(expected)
    alert_again = await to_alert(services, later)
    sent = await alerts.scan(services)
    assert await open_episodes(services) == later
    assert sorted(e.pair_id for e in sent) == sorted(alert_again)
    kinds = await journal_kinds(db)
    assert kinds.count("recovered") == len(set(expected) - set(later))
    assert kinds.count("stalled") == len(expected) + len(set(later) - set(expected))


async def to_alert(services: Services, found: dict[int, tuple[Finding, ...]]) -> set[int]:
    """The pairs the next scan alerts about, pair by pair from their open episode: new ones,
    snoozes over, something urgent and new, alerts cut off."""
    episodes = {e.pair_id: e for e in await alerts.open_episodes(services)}
    alerting = {alerts.Move.OPEN, alerts.Move.REALERT, alerts.Move.RESEND}
    return {
        pair_id
        for pair_id, findings in found.items()
        if alerts.move(episodes.get(pair_id), list(findings), services.clock()) in alerting
    }
