"""Build the Application: handlers, error handler, rate limiter, start-up and shut-down."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Awaitable, Callable
from datetime import time, timedelta

from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot import i18n, inbox, operations
from bot.bot_api import telegram_bot
from bot.config import Config
from bot.handlers import (
    agreement,
    alerts,
    announcements,
    checkin_pause,
    checkins,
    coordinator,
    course,
    course_seats,
    fallback,
    intake,
    journal,
    matching,
    meeting_answers,
    meetings,
    municipalities,
    outcomes,
    pairs,
    privacy,
    proposals,
    questionnaire,
    recruitment,
    report,
    review,
    start,
    status,
)
from bot.handlers.alert_cards import alert_pair
from bot.handlers.context import OUTBOX_KEY, SERVICES_KEY, BotContext, services_of
from bot.handlers.errors import on_error, set_aside, where
from bot.handlers.menu import publish_coordinator_menu, publish_default_menus
from bot.jobs import backup, retention
from bot.jobs.announcements import resume_interrupted
from bot.jobs.checkin_wave import checkin_wave
from bot.jobs.course import JOB_NAME as COURSE_JOB
from bot.jobs.course import course_scan
from bot.jobs.meeting_wave import meeting_wave
from bot.jobs.notices import resend_notices
from bot.jobs.ops import FIGURES_JOB, WEBHOOK_JOB, check_webhook, refresh_figures
from bot.jobs.outcome_follow_ups import outcome_follow_ups
from bot.jobs.pair_deadlines import pair_deadlines
from bot.jobs.questionnaire_reminders import remind_idle_questionnaires
from bot.jobs.stall_scan import stall_scan
from bot.model.mentees import INTAKE
from bot.model.screening import QUESTIONNAIRE as SCREENING
from bot.monitor import Monitor
from bot.outbox import Outbox
from bot.services import Clock, Services, utc_now
from bot.updates import PerChatOrder
from storage import open_database
from storage import participants as participant_store

log = logging.getLogger(__name__)

GUARD_GROUP = -1
REMINDER_SCAN_INTERVAL = timedelta(minutes=15)
PAIR_SCAN_INTERVAL = timedelta(hours=1)
CHECKIN_WAVE_INTERVAL = timedelta(minutes=1)
RETENTION_INTERVAL = timedelta(days=1)
FIGURES_INTERVAL = timedelta(minutes=1)
WEBHOOK_CHECK_INTERVAL = timedelta(seconds=30)
PAYLOAD_LOGGERS = ("telegram", "aiosqlite", "httpx", "httpcore")


def build_application(config: Config, *, clock: Clock = utc_now) -> Application:
    """The bot, ready for run_polling (or for tests to initialize and start by hand)."""
    # Durations such as RetryAfter.retry_after as timedelta, the default from PTB 23 on;
    # without it every 429 from Telegram raises a deprecation warning.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    keep_payloads_out_of_logs()
    monitor = Monitor(config.health_unreachable_seconds, webhook=config.webhook is not None)

    async def post_init(application: Application) -> None:
        i18n.load_all()
        database = await open_database(config.database_path)
        services = Services(config=config, db=database, clock=clock, monitor=monitor)
        application.bot_data[SERVICES_KEY] = services
        outbox = Outbox(application.bot, services, alert_pair)
        application.bot_data[OUTBOX_KEY] = outbox
        assert isinstance(application.update_queue, inbox.InboxQueue)
        application.update_queue.attach(services)
        await publish_menus(application)
        # What a crash cut off is handled before anything new is fetched.
        await inbox.replay(application, lambda update: set_aside(outbox, update))
        # What start-up made (modules, catalogs, handlers, jobs) lives as long as the bot: out
        # of the cyclic collector's full collections, which held the event loop 75 to 235 ms
        # each with it in them (3 to 50 ms without; bench/evaluation.py's latency part).
        gc.freeze()

    async def post_shutdown(application: Application) -> None:
        gc.unfreeze()  # a test process builds many applications: their garbage is collected
        services = application.bot_data.pop(SERVICES_KEY, None)
        if services is not None:
            await services.db.close()

    application = (
        ApplicationBuilder()
        .application_class(inbox.InboxApplication)
        .update_queue(inbox.InboxQueue())
        .bot(telegram_bot(config, monitor))
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(PerChatOrder(monitor=monitor))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    register_handlers(application)
    schedule_jobs(application, config, monitor)
    return application


def keep_payloads_out_of_logs() -> None:
    """Even at LOG_LEVEL=DEBUG: these libraries log every request's parameters (message texts,
    names) and every SQL statement's values (answers) at DEBUG; their INFO and up is kept."""
    for name in PAYLOAD_LOGGERS:
        library = logging.getLogger(name)
        library.setLevel(max(library.level, logging.INFO))


def register_handlers(application: Application) -> None:
    questionnaire.ON_SUBMIT[SCREENING] = review.screening_submitted
    questionnaire.ON_SUBMIT[INTAKE] = intake.intake_submitted
    application.add_handlers(fallback.GUARDS, group=GUARD_GROUP)
    application.add_handlers(
        [
            # Check-in answers are most of the presses, and PTB tries a press on each handler
            # in turn until one takes it (27 button handlers were checked before these). Each
            # button handler takes only its own kind of data, so their order changes nothing
            # else.
            *checkins.HANDLERS,
            *start.HANDLERS,
            *coordinator.HANDLERS,
            *review.HANDLERS,
            *course.HANDLERS,
            *course_seats.HANDLERS,
            *recruitment.HANDLERS,
            *intake.HANDLERS,
            *matching.HANDLERS,
            *municipalities.HANDLERS,
            *proposals.HANDLERS,
            *pairs.HANDLERS,
            *agreement.HANDLERS,
            *meetings.HANDLERS,
            *meeting_answers.HANDLERS,
            *checkin_pause.HANDLERS,
            *journal.HANDLERS,
            *alerts.HANDLERS,
            *outcomes.HANDLERS,
            *announcements.HANDLERS,
            *report.HANDLERS,
            *status.HANDLERS,
            *privacy.HANDLERS,
            *questionnaire.HANDLERS,
            *fallback.HANDLERS,
        ]
    )
    application.add_error_handler(on_error)


JobCallback = Callable[[BotContext], Awaitable[None]]


def schedule_jobs(application: Application, config: Config, monitor: Monitor) -> None:
    """Scans whose truth is in the database; a fixed id keeps one copy across restarts. Each
    is watched (bot/monitor.py): /healthz says when one is late, /status when one failed."""
    assert application.job_queue is not None
    jobs = [  # name, callback, how often, first run after the start
        ("questionnaire-reminders", remind_idle_questionnaires, REMINDER_SCAN_INTERVAL, 60),
        ("pair-deadlines", pair_deadlines, PAIR_SCAN_INTERVAL, 120),
        ("checkin-wave", checkin_wave, CHECKIN_WAVE_INTERVAL, 10),
        ("meeting-wave", meeting_wave, CHECKIN_WAVE_INTERVAL, 15),
        ("announcements", resume_interrupted, PAIR_SCAN_INTERVAL, 5),
        ("notices", resend_notices, REMINDER_SCAN_INTERVAL, 5),
        (COURSE_JOB, course_scan, REMINDER_SCAN_INTERVAL, 90),
        ("outcome-follow-ups", outcome_follow_ups, PAIR_SCAN_INTERVAL, 240),
        ("stall-scan", stall_scan, timedelta(minutes=config.stall_scan_minutes), 180),
        (retention.JOB_NAME, retention.retention_sweep, RETENTION_INTERVAL, 300),
    ]
    if config.serves_ops:
        jobs.append((FIGURES_JOB, refresh_figures, FIGURES_INTERVAL, 1))
    if config.webhook is not None:
        jobs.append((WEBHOOK_JOB, check_webhook, WEBHOOK_CHECK_INTERVAL, 5))
    for name, callback, interval, first_s in jobs:
        monitor.add_scan(name, interval.total_seconds(), first_s)
        application.job_queue.run_repeating(
            monitored(name, callback),
            interval=interval,
            first=timedelta(seconds=first_s),
            name=name,
            job_kwargs={"id": name, "replace_existing": True},
        )
    if config.backup.keep:  # BACKUP_KEEP=0 turns the daily backup off
        day = timedelta(days=1).total_seconds()
        monitor.add_scan(backup.JOB_NAME, day, day)
        application.job_queue.run_daily(
            monitored(backup.JOB_NAME, backup.backup_job),
            time=time(config.backup.hour, tzinfo=config.timezone),
            name=backup.JOB_NAME,
            job_kwargs={"id": backup.JOB_NAME, "replace_existing": True},
        )


def monitored(name: str, callback: JobCallback) -> JobCallback:
    """The scan, with its start and end told to the monitor and its run stored; a failure is
    logged (its class and stack, never its message) and waits for the next run."""

    async def run(context: BotContext) -> None:
        services = context.services
        started_at = services.clock()
        services.monitor.scan_started(name)
        error: Exception | None = None
        try:
            await callback(context)
        except Exception as failure:
            error = failure
            log.error("scan %s failed: %s\n%s", name, type(failure).__name__, where(failure))
        finally:
            services.monitor.scan_finished(name, failed=error is not None)
        await operations.record_scan(services, name, started_at, error)

    run.__name__ = name
    return run


async def publish_menus(application: Application) -> None:
    """Command menus per language, and the coordinators' own; a failure here is not fatal."""
    services = services_of(application)
    try:
        await publish_default_menus(application.bot, services.config.default_language)
        for user_id in sorted(services.config.coordinator_ids):
            known = await participant_store.get(services.db, user_id)
            language = known.language if known else services.config.default_language
            await publish_coordinator_menu(application.bot, user_id, language)
    except Exception as error:
        log.warning("command menus not published: %s", type(error).__name__)
