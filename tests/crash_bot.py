"""The real bot in a process of its own, for the kill -9 test: `python -m tests.crash_bot DIR`.

The configuration comes from the environment as for `python -m bot`. The clock is the file
DIR/now (an ISO time the test writes), so a killed and restarted bot lives in the test's time.
The scheduled jobs do not run by themselves: the test asks for one by writing a file
DIR/job-NNNN holding its name, and the bot writes DIR/job-NNNN.done when the job has run. A
request left without `.done` by a killed bot is run by the next one, as the JobQueue would run
the job at its next turn.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from datetime import datetime
from pathlib import Path

from telegram.ext import Application

from bot.app import build_application
from bot.config import load_config
from bot.services import Clock
from sandbox.runner import InLoopBot

JOB_PREFIX = "job-"
DONE_SUFFIX = ".done"
POLL_S = 0.01


def file_clock(path: Path) -> Clock:
    """A clock that tells the time written in `path`."""

    def now() -> datetime:
        return datetime.fromisoformat(path.read_text(encoding="utf-8"))

    return now


def requested_jobs(control: Path) -> list[Path]:
    """Job requests not yet done, oldest first."""
    requests = [
        path
        for path in control.glob(f"{JOB_PREFIX}*")
        if path.suffix != DONE_SUFFIX and not path.with_name(path.name + DONE_SUFFIX).exists()
    ]
    return sorted(requests)


async def run_requested_jobs(application: Application, control: Path) -> None:
    """Forever: run each requested job once, then mark the request done."""
    assert application.job_queue is not None
    while True:
        for request in requested_jobs(control):
            name = request.read_text(encoding="utf-8").strip()
            (job,) = application.job_queue.get_jobs_by_name(name)
            await job.run(application)
            request.with_name(request.name + DONE_SUFFIX).write_text(name, encoding="utf-8")
        await asyncio.sleep(POLL_S)


async def serve(control: Path) -> None:
    """Run the bot as run_polling does, with its jobs under the test's control, until SIGTERM."""
    config = load_config(os.environ)
    logging.basicConfig(level=config.log_level, stream=sys.stderr)
    bot = InLoopBot(build_application(config, clock=file_clock(control / "now")))
    await bot.start()
    application = bot.application
    assert application.job_queue is not None
    for job in application.job_queue.jobs():
        job.enabled = False  # run only when the test asks
    stopping = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
    jobs = asyncio.create_task(run_requested_jobs(application, control))
    await stopping.wait()
    jobs.cancel()
    await bot.stop()


if __name__ == "__main__":
    asyncio.run(serve(Path(sys.argv[1])))
