"""What the bot knows about its own health, and its Prometheus metrics.

The hooks are called where things happen: `bot_api_call` by the request layer
(bot/transport.py) for every Bot API call whatever loop makes it, `bot_api_retry` by the rate
limiter, `update_started`/`update_done` by the update processor, `scan_started`/`scan_finished`
around every scheduled scan. Everything here is in memory and cheap, so /healthz and /metrics
read it without the database; the figures that come from the database are refreshed by a job
(bot/jobs/ops.py) into `figures`.

No label carries a person's id, name or text: labels are Bot API methods, outcomes, update
kinds and scan names, all fixed sets.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from importlib.metadata import PackageNotFoundError, version

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

# No `_created` series beside every counter: Prometheus needs none, and they double /metrics.
disable_created_metrics()

# A healthy long poll answers within its timeout (10 s); a webhook is confirmed every 30 s.
FRESH_SLACK_S = 30.0
# Methods whose success answers a person: the first one ends an update's latency.
ANSWERS = ("send", "edit", "answer", "copy", "forward")
LATENCY_BUCKETS_S = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Outcome(StrEnum):
    """How a Bot API call ended, from the HTTP status or the failure on the way."""

    OK = "ok"
    RATE_LIMITED = "rate_limited"  # 429
    UNAUTHORIZED = "unauthorized"  # 401 or 404: the token was refused
    FORBIDDEN = "forbidden"  # 403: the person blocked the bot
    CONFLICT = "conflict"  # 409: another getUpdates or a webhook
    BAD_REQUEST = "bad_request"  # any other 4xx
    SERVER_ERROR = "server_error"  # 5xx
    TIMEOUT = "timeout"
    NETWORK_ERROR = "network_error"


UNREACHABLE = frozenset({Outcome.SERVER_ERROR, Outcome.TIMEOUT, Outcome.NETWORK_ERROR})


def outcome_of(status: int) -> Outcome:
    if status < 400:
        return Outcome.OK
    if status == 429:
        return Outcome.RATE_LIMITED
    if status in (401, 404):
        return Outcome.UNAUTHORIZED
    if status == 403:
        return Outcome.FORBIDDEN
    if status == 409:
        return Outcome.CONFLICT
    return Outcome.BAD_REQUEST if status < 500 else Outcome.SERVER_ERROR


def bot_version() -> str:
    try:
        return version("mentorbro")
    except PackageNotFoundError:
        return "unknown"


@dataclass
class _Arrival:
    """One update being handled: when it arrived, and whether the bot answered yet."""

    started: float
    answered: bool = False


_ARRIVAL: contextvars.ContextVar[_Arrival | None] = contextvars.ContextVar(
    "mentorbro_arrival", default=None
)


@dataclass
class Scan:
    """One scheduled scan: how often it should run and when it last did."""

    interval_s: float
    first_s: float
    running: int = 0
    last_started: float | None = None  # monotonic
    last_failed_at: datetime | None = None
    failures: int = 0


@dataclass
class Figures:
    """What the periodic job read from the database and the disk; None until its first run."""

    checkins: dict[str, int] = field(default_factory=dict)  # due, sent, answered
    open_stall_episodes: int | None = None
    unreachable_participants: int | None = None
    database_bytes: int | None = None
    last_backup_at: datetime | None = None
    last_backup_bytes: int | None = None


@dataclass(frozen=True)
class Verdict:
    """/healthz's answer: healthy, or the failing parts with what is wrong with each."""

    failing: dict[str, str]
    uptime_s: int
    mode: str
    version: str

    @property
    def healthy(self) -> bool:
        return not self.failing

    def body(self) -> dict[str, object]:
        body: dict[str, object] = {
            "status": "ok" if self.healthy else "failing",
            "mode": self.mode,
            "uptime_s": self.uptime_s,
            "version": self.version,
        }
        if self.failing:
            body["failing"] = self.failing
        return body


class Monitor:
    """The bot's health and metrics, for one running application."""

    def __init__(
        self,
        unreachable_s: float = 60.0,
        webhook: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.unreachable_s = unreachable_s
        self.webhook = webhook
        self.clock = clock  # seconds, only ever compared with itself
        self.started = clock()
        self.started_at = datetime.now(UTC)
        self.version = bot_version()
        self._last_fetch = self.started  # a getUpdates answered, a post taken, a webhook seen
        self._unreachable_since: float | None = None
        self._token_refused = False
        self.scans: dict[str, Scan] = {}
        self.figures = Figures()
        self.registry = CollectorRegistry(auto_describe=True)
        self._updates = Counter(
            "mentorbro_updates",
            "Updates handled, by kind",
            ["kind"],
            registry=self.registry,
        )
        self._latency = Histogram(
            "mentorbro_update_first_answer_seconds",
            "Time from an update's arrival to the bot's first answer to it",
            buckets=LATENCY_BUCKETS_S,
            registry=self.registry,
        )
        self._calls = Counter(
            "mentorbro_bot_api_calls",
            "Bot API calls, by method and outcome",
            ["method", "outcome"],
            registry=self.registry,
        )
        self._retries = Counter(
            "mentorbro_bot_api_retries",
            "Bot API calls tried again (after a 429 or a failure on the way), by method",
            ["method"],
            registry=self.registry,
        )
        self._scan_failures = Counter(
            "mentorbro_scan_failures",
            "Scheduled scans that ended with an error, by scan",
            ["scan"],
            registry=self.registry,
        )
        self.registry.register(_Snapshot(self))

    # -- hooks -------------------------------------------------------------------------------

    def bot_api_call(self, method: str, outcome: Outcome) -> None:
        """A Bot API call ended: its metric, the Bot API's health and an update's answer."""
        self._calls.labels(method=method, outcome=outcome.value).inc()
        now = self.clock()
        if outcome in UNREACHABLE:
            if self._unreachable_since is None:
                self._unreachable_since = now
            return
        self._unreachable_since = None  # any answer at all: the Bot API is there
        if outcome is Outcome.UNAUTHORIZED:
            self._token_refused = True
            return
        if outcome is Outcome.OK:
            self._token_refused = False
            if method == "getUpdates":
                self._last_fetch = now
            elif method.startswith(ANSWERS):
                self._first_answer(now)

    def _first_answer(self, now: float) -> None:
        arrival = _ARRIVAL.get()
        if arrival is not None and not arrival.answered:
            arrival.answered = True
            self._latency.observe(now - arrival.started)

    def bot_api_retry(self, method: str) -> None:
        self._retries.labels(method=method).inc()

    def update_started(self) -> contextvars.Token[_Arrival | None]:
        """An update begins: answers sent in this task count toward its latency."""
        return _ARRIVAL.set(_Arrival(self.clock()))

    def update_done(self, kind: str, token: contextvars.Token[_Arrival | None]) -> None:
        self._updates.labels(kind=kind).inc()
        _ARRIVAL.reset(token)

    def webhook_seen(self) -> None:
        """A post accepted on the webhook, or Telegram confirming the webhook is set."""
        self._last_fetch = self.clock()

    def add_scan(self, name: str, interval_s: float, first_s: float) -> None:
        self.scans[name] = Scan(interval_s=interval_s, first_s=first_s)
        self._scan_failures.labels(scan=name)  # shown as 0 before the first failure

    def scan_started(self, name: str) -> None:
        scan = self.scans[name]
        scan.running += 1
        scan.last_started = self.clock()

    def scan_finished(self, name: str, failed: bool) -> None:
        scan = self.scans[name]
        scan.running -= 1
        if failed:
            scan.failures += 1
            scan.last_failed_at = datetime.now(UTC)
            self._scan_failures.labels(scan=name).inc()

    # -- reading -----------------------------------------------------------------------------

    def uptime_s(self) -> float:
        return self.clock() - self.started

    def verdict(self, database_error: str | None) -> Verdict:
        """Healthy when the database answers, updates come in, the Bot API answers and takes
        the token, and every scan has run on time."""
        now = self.clock()
        failing: dict[str, str] = {}
        if database_error is not None:
            failing["database"] = database_error
        if self._token_refused:
            failing["token"] = "the Bot API refused the token"
        if self._unreachable_since is not None:
            silent = now - self._unreachable_since
            if silent >= self.unreachable_s:
                failing["bot_api"] = f"unreachable for {silent:.0f} s"
        quiet = now - self._last_fetch
        if quiet >= self.unreachable_s + FRESH_SLACK_S:
            what = "webhook post or confirmation" if self.webhook else "successful getUpdates"
            failing["updates"] = f"no {what} for {quiet:.0f} s"
        late = sorted(name for name, scan in self.scans.items() if self._late(scan, now))
        if late:
            failing["scans"] = "late: " + ", ".join(late)
        return Verdict(
            failing=failing,
            uptime_s=int(now - self.started),
            mode="webhook" if self.webhook else "polling",
            version=self.version,
        )

    def _late(self, scan: Scan, now: float) -> bool:
        """Late: not running, and a whole run missed since the last start (or the bot's)."""
        if scan.running:
            return False
        since = scan.last_started if scan.last_started is not None else self.started
        expected = scan.interval_s if scan.last_started is not None else scan.first_s
        return now - since > expected + max(scan.interval_s, 60.0)


class _Snapshot(Collector):
    """The figures that are ages (computed at the scrape) or came from the periodic job."""

    def __init__(self, monitor: Monitor) -> None:
        self._monitor = monitor

    def collect(self) -> Iterator[GaugeMetricFamily]:
        monitor, figures = self._monitor, self._monitor.figures
        now = datetime.now(UTC)
        yield _gauge(
            "mentorbro_uptime_seconds", "Seconds since the bot started", monitor.uptime_s()
        )
        checkins = GaugeMetricFamily(
            "mentorbro_checkins",
            "Check-ins in the database: due now and not sent, ever sent, answered",
            labels=["state"],
        )
        for state, count in sorted(figures.checkins.items()):
            checkins.add_metric([state], count)
        yield checkins
        optional = (
            ("mentorbro_stall_episodes_open", "Open stall episodes", figures.open_stall_episodes),
            (
                "mentorbro_participants_unreachable",
                "Participants who blocked the bot",
                figures.unreachable_participants,
            ),
            ("mentorbro_database_size_bytes", "The database's size", figures.database_bytes),
            (
                "mentorbro_last_backup_size_bytes",
                "The newest backup's size",
                figures.last_backup_bytes,
            ),
        )
        for name, documentation, value in optional:
            if value is not None:
                yield _gauge(name, documentation, value)
        if figures.last_backup_at is not None:
            age = (now - figures.last_backup_at).total_seconds()
            yield _gauge("mentorbro_last_backup_age_seconds", "Age of the newest backup", age)
        ages = GaugeMetricFamily(
            "mentorbro_scan_last_run_age_seconds",
            "Seconds since each scheduled scan last started (since the bot started: not yet)",
            labels=["scan"],
        )
        clock = monitor.clock()
        for name, scan in sorted(monitor.scans.items()):
            since = scan.last_started if scan.last_started is not None else monitor.started
            ages.add_metric([name], clock - since)
        yield ages


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)
