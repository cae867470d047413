"""One-off notices that follow a state change (a new pair, a screening or an intake sent, a
decision on a screening, the thanks for a sent questionnaire). Each state's row has a marker,
set right after the notice is sent; a scan finds the rows a crash left unmarked, so the notice
is sent after all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.model.mentees import Intake
from bot.model.pairs import Pair
from bot.model.participants import Participant
from bot.model.questionnaire import Run
from bot.model.screening import DecisionRecord, ScreeningStatus
from bot.review import ScreeningView, view_of
from bot.services import Services
from storage import mentees as intake_store
from storage import pairs as pair_store
from storage import participants as participant_store
from storage import questionnaires as run_store
from storage import screenings as screening_store

# A handler sends its notice right after the state change; the scan leaves younger rows alone
# so that it never sends a second copy next to a handler still at work.
GRACE = timedelta(minutes=1)


@dataclass(frozen=True)
class UntoldIntake:
    """An intake whose "ready for matching" never reached the coordinators."""

    mentee: Participant
    intake: Intake
    run: Run


def settled_before(now: datetime) -> datetime:
    return now - GRACE


async def unannounced_pairs(services: Services) -> list[Pair]:
    """Active pairs whose sides and coordinators were never told of the match."""
    return await pair_store.unannounced(services.db, settled_before(services.clock()))


async def pair_announced(services: Services, pair: Pair) -> None:
    await pair_store.mark_announced(services.db, pair.id, services.clock())


async def untold_screenings(services: Services) -> list[ScreeningView]:
    """Screenings still waiting for a decision that never reached the coordinators. One that
    is decided already (opened from /pending) or gone needs no notice: it is marked told."""
    views = []
    for screening in await screening_store.untold_submitted(
        services.db, settled_before(services.clock())
    ):
        view = await view_of(services, screening.run_id)
        if view is None or screening.status is not ScreeningStatus.PENDING:
            await screening_told(services, screening.run_id)
        else:
            views.append(view)
    return views


async def screening_told(services: Services, run_id: int) -> None:
    await screening_store.mark_coordinators_told(services.db, run_id, services.clock())


async def untold_decisions(services: Services) -> list[tuple[DecisionRecord, Participant]]:
    """Decisions on screenings, with the mentor who was never told of them, oldest first."""
    found = []
    for decision in await screening_store.untold_decisions(
        services.db, settled_before(services.clock())
    ):
        screening = await screening_store.get(services.db, decision.run_id)
        mentor = (
            await participant_store.by_id(services.db, screening.participant_id)
            if screening
            else None
        )
        if mentor is None:
            await decision_told(services, decision)
        else:
            found.append((decision, mentor))
    return found


async def decision_told(services: Services, decision: DecisionRecord) -> None:
    await screening_store.mark_mentor_told(services.db, decision.id, services.clock())


async def untold_intakes(services: Services) -> list[UntoldIntake]:
    """Intakes still waiting for a match that never reached the coordinators; one already
    matched (or gone) needs no notice and is marked told."""
    found = []
    for intake in await intake_store.untold_intakes(services.db, settled_before(services.clock())):
        mentee = await participant_store.by_id(services.db, intake.participant_id)
        run = await run_store.get_run(services.db, intake.run_id)
        if mentee is None or run is None or intake.status != "waiting":
            await intake_told(services, intake)
        else:
            found.append(UntoldIntake(mentee, intake, run))
    return found


async def intake_told(services: Services, intake: Intake) -> None:
    await intake_store.mark_coordinators_told(services.db, intake.run_id, services.clock())


async def unthanked_runs(services: Services) -> list[tuple[Run, Participant]]:
    """Sent questionnaires whose sender was never thanked, with the sender."""
    found = []
    for run in await run_store.unthanked(services.db, settled_before(services.clock())):
        person = await participant_store.by_id(services.db, run.participant_id)
        if person is None:
            await thanked(services, run)
        else:
            found.append((run, person))
    return found


async def thanked(services: Services, run: Run) -> None:
    await run_store.mark_thanked(services.db, run.id, services.clock())
