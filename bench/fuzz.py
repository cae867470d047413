"""The fuzz test of tests/test_fuzz.py for longer, with a seed of your choice, counting failures
instead of stopping at the first.

Each update goes through the real application as in the test, with the same checks; a failed
check is counted under the kind of update, the sender's id and the check's first line.

Run from the repository root: .venv/bin/python bench/fuzz.py [updates] [seed]
Prints `fuzz_updates: N` and `fuzz_failures: N`, then the distinct failures, most frequent first.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from sandbox import BotApiEmulator
from tests.conftest import TOKEN
from tests.test_fuzz import (
    Fuzz,
    Languages,
    build_population,
    fuzz_config,
    recording,
    stop_population,
)

DEFAULT_UPDATES = 20_000
DEFAULT_SEED = 1


async def fuzz_for(updates: int, chosen_seed: int) -> tuple[Fuzz, Counter[str]]:
    """Send `updates` generated updates; the failures by their first line."""
    async with BotApiEmulator(token=TOKEN) as emulator:
        with tempfile.TemporaryDirectory() as folder:
            population = await build_population(emulator, fuzz_config(emulator, Path(folder)))
            try:
                with recording() as (errors, refusals):
                    fuzz = Fuzz(population, Languages(), errors, refusals)
                    loop = asyncio.get_running_loop()
                    failures = await asyncio.to_thread(run, fuzz, loop, updates, chosen_seed)
            finally:
                await stop_population(population)
    return fuzz, failures


def run(
    fuzz: Fuzz, loop: asyncio.AbstractEventLoop, updates: int, chosen_seed: int
) -> Counter[str]:
    """Hypothesis drives a plain function in this worker thread; each update is handled in
    `loop`, where the bot and the emulator run."""
    failures: Counter[str] = Counter()

    @settings(
        max_examples=updates,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @seed(chosen_seed)
    @given(data=st.data())
    def send_one(data: st.DataObject) -> None:
        user, action = data.draw(fuzz.strategy)
        sent = asyncio.run_coroutine_threadsafe(fuzz.send(user, action), loop)
        try:
            sent.result()
        except AssertionError as failure:
            first_line = str(failure).splitlines()[0][:400]
            failures[f"{action.label} from {user.id}: {first_line}"] += 1

    send_one()
    return failures


def main() -> None:
    updates = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_UPDATES
    chosen_seed = int(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_SEED
    started = time.monotonic()
    fuzz, failures = asyncio.run(fuzz_for(updates, chosen_seed))
    print(f"fuzz_updates: {fuzz.updates_sent}")
    print(f"fuzz_failures: {sum(failures.values())}")
    print(f"fuzz_seconds: {time.monotonic() - started:.1f}")
    for line, count in failures.most_common():
        print(f"  {count} × {line}")


if __name__ == "__main__":
    main()
