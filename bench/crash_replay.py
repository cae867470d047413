"""Kill -9 at random points of a scripted programme run, many times: does the database always
end the same as after an undisturbed run? And was every update people sent handled (or, after
three tries, set aside)? `crash_lost_updates` counts those that were neither.

The run and the kills are those of tests/test_crash_replay.py (tests/crash_harness.py), with
more runs and more kill points each. A run that cannot be finished counts as a mismatch.

Run from the repository root: .venv/bin/python bench/crash_replay.py [runs] [kills per run]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.crash_harness import KillPlan, differences, dump, run_programme

RUNS = 20
KILLS_PER_RUN = 8
FIRST_SEED = 1000


async def bench(runs: int, kills: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        calm = await run_programme(root / "calm", KillPlan())
        expected = dump(calm.database)
        mismatches = killed = 0
        lost = calm.lost_updates()
        started = time.perf_counter()
        for seed in range(FIRST_SEED, FIRST_SEED + runs):
            plan = KillPlan.random(seed, kills, calm.effect_calls)
            try:
                harness = await run_programme(root / f"run-{seed}", plan)
            except AssertionError as error:
                mismatches += 1
                print(f"seed {seed}: could not finish: {error}", file=sys.stderr)
                continue
            killed += harness.kills
            lost += harness.lost_updates()
            found = differences(expected, dump(harness.database))
            if found:
                mismatches += 1
                print(f"seed {seed}: " + "; ".join(found), file=sys.stderr)
        seconds = time.perf_counter() - started
    print(f"crash_runs: {runs}")
    print(f"crash_kills: {killed}")
    print(f"crash_mismatches: {mismatches}")
    print(f"crash_lost_updates: {lost}")
    print(f"crash_seconds_per_run: {seconds / runs:.1f}")


if __name__ == "__main__":
    arguments = [int(argument) for argument in sys.argv[1:3]]
    asyncio.run(bench(*arguments, *(RUNS, KILLS_PER_RUN)[len(arguments) :]))
