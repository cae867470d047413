"""The real bot's Application run in the caller's event loop, the way run_polling runs it.

Tests, the kill -9 harness and the browser sandbox all need the bot beside something else in
one loop (the emulator, a test, a web server), so they cannot hand the loop to run_polling.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application


class InLoopBot:
    """Start, stop and run the jobs of one Application; it polls the Bot API it was built for."""

    def __init__(self, application: Application) -> None:
        self.application = application

    async def start(self) -> None:
        application = self.application
        await application.initialize()
        assert application.post_init is not None and application.updater is not None
        await application.post_init(application)
        await application.updater.start_polling(
            poll_interval=0, timeout=10, allowed_updates=Update.ALL_TYPES
        )
        await application.start()

    async def stop(self) -> None:
        """As run_polling stops: the updater (if still polling), the handlers, the database."""
        application = self.application
        assert application.updater is not None and application.post_shutdown is not None
        if application.updater.running:
            await application.updater.stop()
        await application.stop()
        await application.shutdown()
        await application.post_shutdown(application)

    async def run_job(self, name: str) -> None:
        """Run a scheduled job now, as the JobQueue would when its time comes."""
        assert self.application.job_queue is not None
        (job,) = self.application.job_queue.get_jobs_by_name(name)
        await job.run(self.application)

    async def run_jobs(self) -> None:
        """Every scheduled job once, now."""
        assert self.application.job_queue is not None
        for job in self.application.job_queue.jobs():
            await job.run(self.application)
