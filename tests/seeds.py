"""Programmes written straight through storage, without the conversations that make them.

seed_programme is the programme of the evaluation report, whose figures test_evaluation and
test_scopes work out by hand. 12 mentees and 7 mentors, all pairs started on 1 January 2026
+ some days, 09:00 UTC:

    mentee  field   municipality  mentor  started (+days)  ended (+days)  outcome
    m1      it      Aarhus (751)  a1      +5   (6 Jan)     +70  17 Mar    job, job +60 days
    m2      it      Aarhus (751)  a1      +10  (11 Jan)    +100 21 Apr    subsidised job, +90
    m3      it      Aarhus (751)  a2      +15  (16 Jan)    +130 26 May    IGU, +120
    m4      it      Aarhus (751)  a2      +20  (21 Jan)    +160 30 Jun    job, +150
    m5      it      Aarhus (751)  a3      +30  (31 Jan)    +180 30 Jul    job, job start unknown
    m6      it      Aarhus (751)  a4      +40  (10 Feb)    +200 29 Aug    education
    m7      health  Aarhus (751)  a5      +60  (2 Mar)     +50  21 Apr    dropped out
    m8      health  Odense (461)  a5      +90  (1 Apr)     active
    m9      health  Odense (461)  a6      +100 (11 Apr)    paused
    m10     health  Odense (461)  a6      proposed 21 Nov, waiting
    m11     health  Vejle (630)  a7      proposed 1 Mar, declined
    m12     health  Vejle (630)  a7      proposed 1 Feb, lapsed; m12 blocked the bot

Mentors a1-a4 came through "Novo Nordisk & Co", a5-a6 through "Facebook", a7 directly.
The mentors' screenings gave the field it (a1, a2, a4, a7) or health (a3, a5, a6). The mentees'
Danish: m1-m4 "good", m5 "everyday", m6 "fluent", m7-m12 "beginner". First meetings (days
after the start): m1 7, m2 10, m3 14, m4 12, m5 30, m6 3, m7 21, m8 5. Pairs m2 and m7 had
a divergence alert; m8 one for missed check-ins.
Every intake was sent on 1 January 2026 (m10's on 2 November); the report is made on
23 November 2026.

seed_pair makes one active pair in a running bot, for the fault tests.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bench.seed import (
    add_checkins,
    add_followups,
    add_journal_entries,
    add_meeting_counts,
    add_stall_episodes,
)
from bot.handlers.context import services_of
from bot.model.pairs import Outcome, PairStatus, Side
from bot.model.participants import Role
from bot.model.screening import Decision
from sandbox import BotApiEmulator
from storage import Database, participants, questionnaires, recruitment
from storage import checkins as checkin_store
from storage import mentees as mentee_store
from storage import pairs as pair_store
from storage import screenings as screening_store

if TYPE_CHECKING:  # conftest imports this module for its `programme` fixture
    from tests.conftest import RunningBot

# -- the evaluation programme ------------------------------------------------------------------

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
NEW_YEAR = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
MENTORS_JOINED = datetime(2025, 12, 1, 9, 0, tzinfo=UTC)
COORDINATOR = 900001  # conftest.COORDINATOR_ID, the coordinator the running bot knows
NOTE = "Ring til Ahmed på 12 34 56 78"

AARHUS, ODENSE, VEJLE = 751, 461, 630
MENTEES = [  # field, municipality code
    ("it", AARHUS),
    ("it", AARHUS),
    ("it", AARHUS),
    ("it", AARHUS),
    ("it", AARHUS),
    ("it", AARHUS),
    ("health", AARHUS),
    ("health", ODENSE),
    ("health", ODENSE),
    ("health", ODENSE),
    ("health", VEJLE),
    ("health", VEJLE),
]
# mentee, mentor, days to start, days to end, outcome, days from start to job start
ENDED = [
    (1, 1, 5, 70, Outcome.JOB, 60),
    (2, 1, 10, 100, Outcome.SUBSIDISED_JOB, 90),
    (3, 2, 15, 130, Outcome.IGU, 120),
    (4, 2, 20, 160, Outcome.JOB, 150),
    (5, 3, 30, 180, Outcome.JOB, None),
    (6, 4, 40, 200, Outcome.EDUCATION, None),
    (7, 5, 60, 50, Outcome.DROPPED_OUT, None),
]
MEETINGS = {1: 5, 2: 7, 3: 9, 4: 10, 5: 12, 6: 12, 7: 2, 8: 10}  # m9 reported none: 67
FIRST_MEETING = {1: 7, 2: 10, 3: 14, 4: 12, 5: 30, 6: 3, 7: 21, 8: 5}  # days after the start
MENTOR_FIELDS = {1: "it", 2: "it", 3: "health", 4: "it", 5: "health", 6: "health", 7: "it"}
DANISH = {1: "good", 2: "good", 3: "good", 4: "good", 5: "everyday", 6: "fluent"}  # else beginner
ALERTS = {2: "divergence", 7: "divergence", 8: "missed_checkins"}


async def join(db: Database, user_id: int, role: Role, at: datetime) -> int:
    await participants.record_contact(
        db,
        telegram_user_id=user_id,
        chat_id=user_id,
        language_guess="da",
        coordinator=False,
        now=at,
    )
    person = await participants.set_role(db, user_id, role, at)
    assert person is not None
    return person.id


async def screened(db: Database, mentor: int, field: str, decisions: list[Decision]) -> None:
    at = MENTORS_JOINED + timedelta(days=1)
    run = await questionnaires.start_run(
        db,
        participant_id=mentor,
        questionnaire="screening",
        version=1,
        first_question="field",
        now=at,
    )
    await questionnaires.record_answer(db, run, "field", field, None, at)
    ready = await questionnaires.get_run(db, run.id)
    assert ready is not None
    screening = await screening_store.submit(db, ready, at)
    assert screening is not None
    for decision in decisions:
        await screening_store.decide(
            db, run.id, decision, coordinator_id=COORDINATOR, coordinator_name="Lene", now=at
        )


async def intake(db: Database, mentee: int, answers: dict[str, object], at: datetime) -> None:
    """A submitted intake with these answers (field, municipality, danish), in that order; a
    municipality is a code, or text as typed before codes."""
    questions = list(answers)
    run = await questionnaires.start_run(
        db,
        participant_id=mentee,
        questionnaire="intake",
        version=1,
        first_question=questions[0],
        now=at,
    )
    for question, following in zip(questions, [*questions[1:], None], strict=True):
        await questionnaires.record_answer(db, run, question, answers[question], following, at)
        found = await questionnaires.get_run(db, run.id)
        assert found is not None
        run = found
    assert await mentee_store.submit_intake(db, run, at) is not None


async def propose(db: Database, mentor: int, mentee: int, at: datetime) -> int:
    proposal = await pair_store.propose(
        db,
        mentor_id=mentor,
        mentee_id=mentee,
        score=80,
        reasons=[],
        coordinator_id=COORDINATOR,
        actor_id=COORDINATOR,
        now=at,
    )
    assert proposal is not None
    return proposal.id


async def started(db: Database, mentor: int, mentee: int, at: datetime) -> int:
    pair_id = await propose(db, mentor, mentee, at - timedelta(days=2))
    await pair_store.answer(db, pair_id, Side.MENTOR, True, actor_id=mentor, reason=None, now=at)
    await pair_store.answer(db, pair_id, Side.MENTEE, True, actor_id=mentee, reason=None, now=at)
    return pair_id


async def move(db: Database, pair_id: int, to: PairStatus, at: datetime, **change) -> None:
    moved = await pair_store.move(
        db,
        pair_id,
        allowed_from=(PairStatus.PROPOSED, PairStatus.ACTIVE, PairStatus.ENDED),
        to=to,
        event=to.value,
        actor_id=COORDINATOR,
        detail=None,
        now=at,
        **change,
    )
    assert moved is not None


async def check_ins(db: Database, pair_id: int, person: int, side: Side, plan: str) -> None:
    """Weekly check-ins from 15 April: A answered, M missed, O sent and still open."""
    answers = {
        Side.MENTOR: {"met": "in_person", "going": "good", "note": NOTE},
        Side.MENTEE: {"met": "online", "useful": "very", "progress": ["applied", "interview"]},
    }[side]
    statuses = {"A": "answered", "M": "missed", "O": "sent"}
    rows = []
    for week, mark in enumerate(plan):
        due = datetime(2026, 4, 15, 8, 0, tzinfo=UTC) + timedelta(weeks=week)
        answered = due + timedelta(hours=2) if mark == "A" else None
        rows.append((pair_id, person, side.value, due, statuses[mark], answered, None))
    first = await add_checkins(db, rows)
    await add_journal_entries(
        db,
        [
            (
                pair_id,
                person,
                side.value,
                "checkin" if mark == "A" else "missed",
                first + index,
                json.dumps(answers) if mark == "A" else None,
                False,
                rows[index][3] + timedelta(hours=2),
            )
            for index, mark in enumerate(plan)
            if mark != "O"
        ],
    )


async def seed_programme(db: Database) -> Database:
    """The programme of the table above, written through storage into `db`."""
    channels = [
        await recruitment.create_channel(
            db, code=code, name=name, created_by=COORDINATOR, now=MENTORS_JOINED
        )
        for code, name in (("novo", "Novo Nordisk & Co"), ("fb", "Facebook"))
    ]
    mentors = {}
    for n in range(1, 8):
        mentors[n] = await join(db, 1000 + n, Role.MENTOR, MENTORS_JOINED)
        channel = channels[0] if n <= 4 else channels[1] if n <= 6 else None
        if channel:
            await participants.set_recruitment_channel(db, 1000 + n, channel.id, MENTORS_JOINED)
    for n in range(1, 6):
        await screened(db, mentors[n], MENTOR_FIELDS[n], [Decision.APPROVED, Decision.COURSE_DONE])
    await screened(db, mentors[6], MENTOR_FIELDS[6], [Decision.INTERVIEW])
    await screened(db, mentors[7], MENTOR_FIELDS[7], [Decision.REJECTED])

    mentees = {}
    for n, (field, municipality) in enumerate(MENTEES, start=1):
        joined = datetime(2026, 11, 1, 9, 0, tzinfo=UTC) if n == 10 else NEW_YEAR
        mentees[n] = await join(db, 2000 + n, Role.MENTEE, joined)
        answers = {
            "field": field,
            "municipality": municipality,
            "danish": DANISH.get(n, "beginner"),
        }
        await intake(db, mentees[n], answers, joined + timedelta(days=1 if n == 10 else 0))

    pair_of = {}
    for mentee, mentor, start_day, end_day, outcome, job_day in ENDED:
        begin = NEW_YEAR + timedelta(days=start_day)
        end = begin + timedelta(days=end_day)
        pair_of[mentee] = await started(db, mentors[mentor], mentees[mentee], begin)
        await move(db, pair_of[mentee], PairStatus.ENDED, end, outcome=outcome)
        if job_day is not None:
            job_start = (begin + timedelta(days=job_day)).date().isoformat()
            await move(db, pair_of[mentee], PairStatus.ENDED, end, job=(job_start, 37, True))
    pair_of[8] = await started(db, mentors[5], mentees[8], NEW_YEAR + timedelta(days=90))
    pair_of[9] = await started(db, mentors[6], mentees[9], NEW_YEAR + timedelta(days=100))
    await move(db, pair_of[9], PairStatus.PAUSED, datetime(2026, 10, 1, tzinfo=UTC))
    await propose(db, mentors[6], mentees[10], datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    declined = await propose(db, mentors[7], mentees[11], datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    await pair_store.answer(
        db,
        declined,
        Side.MENTOR,
        False,
        actor_id=mentors[7],
        reason="time",
        now=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
    )
    lapsed = await propose(db, mentors[7], mentees[12], datetime(2026, 2, 1, 9, 0, tzinfo=UTC))
    await move(db, lapsed, PairStatus.LAPSED, datetime(2026, 2, 8, 9, 0, tzinfo=UTC))
    await participants.mark_unreachable(db, 2012, NOW)

    def first_meeting(mentee: int) -> datetime:
        start_day = 90 if mentee == 8 else ENDED[mentee - 1][2]
        return NEW_YEAR + timedelta(days=start_day + FIRST_MEETING[mentee])

    await add_meeting_counts(
        db,
        [(pair_of[n], meetings, first_meeting(n), None, NOW) for n, meetings in MEETINGS.items()],
    )
    await add_stall_episodes(
        db, [(pair_of[n], reason, datetime(2026, 4, 1, tzinfo=UTC)) for n, reason in ALERTS.items()]
    )
    await check_ins(db, pair_of[8], mentors[5], Side.MENTOR, "AAMAAMAAO")
    await check_ins(db, pair_of[8], mentees[8], Side.MENTEE, "AMAMMAMO")
    await checkin_store.add_journal(
        db, pair_of[8], None, "coordinator", "note", NOW, text=f"Aftalt: {NOTE}"
    )

    def ended(mentee: int) -> datetime:
        _, _, start_day, end_day, _, _ = ENDED[mentee - 1]
        return NEW_YEAR + timedelta(days=start_day + end_day)

    followups = []
    for mentee in range(1, 8):
        three, six = ended(mentee) + timedelta(days=91), ended(mentee) + timedelta(days=183)
        if mentee <= 5:
            followups.append((3, mentee, three, "answered", "work"))
        else:  # m6's is not due yet; m7 was asked and has not answered
            followups.append((3, mentee, three, "scheduled" if mentee == 6 else "sent", None))
        answer = {1: "work", 2: "both", 7: "neither"}.get(mentee)
        followups.append((6, mentee, six, "answered" if answer else "scheduled", answer))
    await add_followups(
        db,
        [
            (pair_of[m], mentees[m], months, due, status, answer, due if answer else None)
            for months, m, due, status, answer in followups
        ],
    )
    await all_told(db)
    return db


async def all_told(db: Database) -> None:
    """Everyone was told what the flows tell them (the markers of migration 010 and 016), so
    the real-time notices scan does not tell the seeded programme's news in the middle of a
    test."""
    async with db.transaction() as connection:
        for update in (
            "UPDATE pairs SET announced_at = updated_at WHERE announced_at IS NULL",
            "UPDATE screenings SET coordinators_told_at = submitted_at "
            "WHERE coordinators_told_at IS NULL",
            "UPDATE screening_decisions SET mentor_told_at = decided_at "
            "WHERE mentor_told_at IS NULL",
            "UPDATE intakes SET coordinators_told_at = submitted_at "
            "WHERE coordinators_told_at IS NULL",
            "UPDATE questionnaire_runs SET thanked_at = submitted_at "
            "WHERE thanked_at IS NULL AND status = 'submitted'",
        ):
            await connection.execute(update)


# -- active pairs in a running bot, for the fault tests -----------------------------------------

FIRST_SEEDED_ID = 9101


async def enrol(
    bot: RunningBot, emulator: BotApiEmulator, user_id: int, role: Role, language: str
) -> int:
    """Someone who wrote to the bot and chose a language and a role; their own id."""
    db = services_of(bot.application).db
    emulator.user(user_id, f"Person {user_id}", language_code=language).chat.started = True
    await participants.record_contact(
        db,
        telegram_user_id=user_id,
        chat_id=user_id,
        language_guess=language,
        coordinator=False,
        now=bot.clock(),
    )
    await participants.set_language(db, user_id, language, bot.clock())
    person = await participants.set_role(db, user_id, role, bot.clock())
    assert person is not None
    return person.id


async def seed_pair(
    bot: RunningBot, emulator: BotApiEmulator, number: int, languages: tuple[str, str]
) -> None:
    """An active pair made through storage, as the matching flow would leave it."""
    db = services_of(bot.application).db
    first = FIRST_SEEDED_ID + 2 * number
    mentor_id = await enrol(bot, emulator, first, Role.MENTOR, languages[0])
    mentee_id = await enrol(bot, emulator, first + 1, Role.MENTEE, languages[1])
    proposal_id = await propose(db, mentor_id, mentee_id, bot.clock())
    for side, actor in ((Side.MENTOR, mentor_id), (Side.MENTEE, mentee_id)):
        await pair_store.answer(
            db, proposal_id, side, True, actor_id=actor, reason=None, now=bot.clock()
        )
    # Both sides were told, as the flow tells them; else the notices scan announces it again.
    await pair_store.mark_announced(db, proposal_id, bot.clock())
