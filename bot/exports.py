"""The report's data as CSV files for the coordinator: pairs, journal and outcomes, one row
each, and a summary of the shares that may be passed on (write_summary).

The files open in a Danish Excel as they are: UTF-8 with a byte order mark, `;` between
fields, CRLF line ends, the header in the coordinator's language. The row files are the
coordinator's own working data, so small groups are not hidden there (the report's footer says
they are for coordinators only), but they hold no more than the work needs:
ids, field, municipality, dates, states, outcomes and answers; no names, phone numbers,
Telegram ids, free text or voice messages. Values are the programme's codes (e.g. `ended`,
`subsidised_job`), the same in every language, so files can be put together. Times are UTC.

The files are written by two niced processes of their own (storage/worker.py) on read-only
connections, each row as the cursor gives it, the journal's lines whole from SQLite: memory
stays flat however long the journal is, and the chats go on meanwhile (a thread would hold the
interpreter lock for every row it writes).
Telegram takes files of up to 50 MB from a bot: a larger one (a big programme's journal) is
sent zipped, which shrinks CSV text about tenfold.
"""

from __future__ import annotations

import asyncio
import csv
import re
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from bot.evaluation import query_of
from bot.i18n import Translator, translator
from bot.model.evaluation import FOLLOWUP_MONTHS, Report, ReportFilter
from bot.model.intervals import SMALL_GROUP, Proportion, protect
from bot.model.municipalities import display
from bot.model.questionnaire import Kind, Question, load
from bot.report_words import count_text, field_names, level_names, quarter_text, region_label
from bot.services import Services
from storage import Database
from storage import exports as store
from storage.report_query import ReportQuery
from storage.worker import in_process

CHECKIN_QUESTIONNAIRES = ("checkin_mentor", "checkin_mentee")

Cell = str | int | None
UPLOAD_LIMIT_BYTES = 50 * 1000 * 1000  # what Telegram takes from a bot
CSV_FORMAT = {"delimiter": ";", "lineterminator": "\r\n"}  # as a Danish Excel reads it
COPY_BYTES = 1 << 20
PLAIN_ID = re.compile(r"[A-Za-z0-9_]+")
# Where the mentee's municipality is in a row of pairs.csv and of outcomes.csv.
PAIR_MUNICIPALITY, OUTCOME_MUNICIPALITY = 4, 3


async def export(
    services: Services, report_filter: ReportFilter, t: Translator, directory: Path
) -> list[Path]:
    """The CSV files of `/report`, as of now."""
    return await write_exports(services.db, report_filter, t, directory, services.clock())


@asynccontextmanager
async def scratch_folder() -> AsyncIterator[Path]:
    """A temporary folder for the report's files, made and removed in a thread: removing a
    large programme's files took 20 ms of the event loop."""
    folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="mentorbro-report-"))
    try:
        yield folder
    finally:
        await asyncio.to_thread(shutil.rmtree, folder, True)


async def contents(path: Path) -> bytes:
    """A file to send, read in a thread: python-telegram-bot reads a file handle it is given
    on the event loop (a large journal: 20 ms). As bytes, a retried upload sends it whole
    again."""
    return await asyncio.to_thread(path.read_bytes)


async def uploadable(files: Sequence[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """Each (file, name to send it as) as it is, or as a zip holding it under that name when
    it is too large to send. Zipped in a process of its own: seconds of CPU for a large
    journal."""
    sizes = await asyncio.to_thread(lambda: [path.stat().st_size for path, _ in files])
    large = [file for file, size in zip(files, sizes, strict=True) if size > UPLOAD_LIMIT_BYTES]
    zipped = dict(zip(large, await in_process(_zipped, large), strict=True)) if large else {}
    return [zipped.get(file, file) for file in files]


def _zipped(files: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    done = []
    for path, name in files:
        zipped = path.with_name(f"{path.name}.zip")
        with zipfile.ZipFile(zipped, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(path, arcname=name)
        done.append((zipped, f"{name}.zip"))
    return done


async def write_exports(
    db: Database, report_filter: ReportFilter, t: Translator, directory: Path, now: datetime
) -> list[Path]:
    """Write pairs.csv, journal.csv and outcomes.csv for the report's filter into
    `directory`; returns their paths. Two processes write them at once, each half of the
    journal; the second half is then appended to the first."""
    query = await query_of(db, report_filter, now)
    split = await store.journal_split(db) or store.NO_PAIR_ID
    files = Files(directory)
    async with asyncio.TaskGroup() as both:  # one fails: the other's process is ended too
        both.create_task(db.read_in_process(write_first, query, t.language, files, split))
        both.create_task(db.read_in_process(write_second, query, t.language, files, split))
    await asyncio.to_thread(_append, files.journal_rest, files.journal)
    return [files.pairs, files.journal, files.outcomes]


class Files:
    """Where the exports are written."""

    def __init__(self, directory: Path) -> None:
        self.pairs = directory / "pairs.csv"
        self.journal = directory / "journal.csv"
        self.journal_rest = directory / "journal-rest.csv"  # appended to the journal
        self.outcomes = directory / "outcomes.csv"


def write_first(
    connection: sqlite3.Connection, query: ReportQuery, language: str, files: Files, split: int
) -> None:
    """pairs.csv and the journal's first half (with its header), in a worker process."""
    t = translator(language)
    write_pairs(connection, query, t, files.pairs)
    write_journal(connection, query, t, files.journal, (0, split))


def write_second(
    connection: sqlite3.Connection, query: ReportQuery, language: str, files: Files, split: int
) -> None:
    """The journal's second half (no header) and outcomes.csv, in a worker process."""
    t = translator(language)
    write_journal(connection, query, None, files.journal_rest, (split, store.NO_PAIR_ID))
    write_outcomes(connection, query, t, files.outcomes)


def _append(part: Path, whole: Path) -> None:
    with part.open("rb") as source, whole.open("ab") as target:
        shutil.copyfileobj(source, target, COPY_BYTES)
    part.unlink()


def write_pairs(
    connection: sqlite3.Connection, query: ReportQuery, t: Translator, path: Path
) -> Path:
    """The report's pairs: those proposed, started or ended in the period."""
    rows = store.pair_rows(connection, query)
    return _write(path, _pair_header(t), _named(rows, PAIR_MUNICIPALITY))


def write_journal(
    connection: sqlite3.Connection,
    query: ReportQuery,
    t: Translator | None,
    path: Path,
    pairs: tuple[int, int] = (0, store.NO_PAIR_ID),
) -> Path:
    """The journal of the report's pairs (those with ids in the range `pairs`) written in the
    period, with the check-in answers; without a header (nor the byte order mark) when there
    is no translator: a part to be appended to another."""
    questions = checkin_questions()
    unquotable = [o.id for q in questions for o in q.options if not PLAIN_ID.fullmatch(o.id)]
    if unquotable:  # the lines are written in SQL, without a CSV writer's quotes
        raise ValueError(f"check-in option ids must be plain words: {unquotable}")
    answers = tuple((question.id, question.kind is Kind.MULTI) for question in questions)
    if answers != store.ANSWER_CELLS:  # the cells are kept for these questions (migration 019)
        raise ValueError(f"the journal keeps answers to {store.ANSWER_CELLS}, not {answers}")
    with path.open("w", encoding="utf-8" if t is None else "utf-8-sig", newline="") as handle:
        if t is not None:
            csv.writer(handle, **CSV_FORMAT).writerow(_journal_header(t, questions))
        handle.writelines(store.journal_lines(connection, query, pairs))
    return path


def write_outcomes(
    connection: sqlite3.Connection, query: ReportQuery, t: Translator, path: Path
) -> Path:
    """The pairs that ended in the period, their outcome, job and follow-up answers."""
    rows = store.outcome_rows(connection, query)
    return _write(path, _outcome_header(t), _named(rows, OUTCOME_MUNICIPALITY))


def write_summary(report: Report, t: Translator, path: Path) -> Path:
    """The report's shares as a table to pass on: each group with its pairs, those in work,
    the share and its 95% interval in whole percent; small groups, and those subtraction
    would reveal, in words instead of numbers (bot/model/intervals.py)."""
    header = [
        t.gettext("Table"),
        t.gettext("Group"),
        t.gettext("Pairs"),
        t.gettext("In work"),
        t.gettext("Share in work, percent"),
        t.gettext("Interval from, percent"),
        t.gettext("Interval to, percent"),
    ]
    rows = [
        [table, group, *_share_cells(t, proportion)]
        for table, group, proportion in summary_rows(report, t)
    ]
    return _write(path, header, rows)


def summary_rows(report: Report, t: Translator) -> list[tuple[str, str, Proportion]]:
    """(table, group, share in work) of every breakdown, each protected as a whole."""
    everyone = t.gettext("All")
    o = report.outcomes
    rows = [
        (t.gettext("Outcomes of the pairs that ended"), everyone, Proportion(o.work, o.ended)),
        (
            t.gettext("Compared with the national programme"),
            everyone,
            report.effects.benchmark.work,
        ),
    ]
    fields = field_names(t)
    not_given = t.gettext("Not given")
    tables = [
        (t.gettext("By field"), report.by_field, lambda g: fields.get(g.name, g.name)),
        (t.gettext("By municipality"), report.by_municipality, lambda g: g.name),
        (
            t.gettext("By region"),
            report.by_region,
            lambda g: region_label(t, g.key) if isinstance(g.key, str) else None,
        ),
        (
            t.gettext("By the mentor's recruitment channel"),
            report.by_channel,
            lambda g: g.name or t.gettext("Direct, no link"),
        ),
    ]
    for title, groups, name in tables:
        shares = protect([Proportion(group.work, group.ended) for group in groups])
        rows += [
            (title, name(group) or not_given, proportion)
            for group, proportion in zip(groups, shares, strict=True)
        ]
    rows += [
        (t.gettext("By the quarter the pairs started"), quarter_text(t, q.quarter), q.work)
        for q in report.effects.quarters
    ]
    names = level_names(t)
    rows += [
        (t.gettext("What goes with finding work"), names[row.factor][row.level], row.work)
        for row in report.effects.associations
    ]
    return rows


def _share_cells(t: Translator, proportion: Proportion) -> list[Cell]:
    interval = proportion.interval
    if proportion.value is None or interval is None:
        return [
            count_text(t, None if proportion.masked else proportion.whole),
            count_text(t, proportion.part if 0 < proportion.part < SMALL_GROUP else None),
            None,
            None,
            None,
        ]
    return [
        proportion.whole,
        proportion.part,
        round(proportion.value * 100),
        round(interval.low * 100),
        round(interval.high * 100),
    ]


def _named(rows: Iterable[Sequence[Cell]], column: int) -> Iterator[Sequence[Cell]]:
    """The rows with the municipality code in `column` as its Danish name (an old answer the
    list could not place stays as typed)."""
    for row in rows:
        cells = list(row)
        cells[column] = display(cells[column])
        yield cells


def _write(path: Path, header: list[str], rows: Iterable[Sequence[Cell]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, **CSV_FORMAT)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _pair_header(t: Translator) -> list[str]:
    return [
        t.gettext("Pair id"),
        t.gettext("Mentor id"),
        t.gettext("Mentee id"),
        t.gettext("Field"),
        t.gettext("Municipality"),
        t.gettext("Mentor's recruitment channel"),
        t.gettext("Status"),
        t.gettext("Proposed"),
        t.gettext("Started"),
        t.gettext("Ended"),
        t.gettext("Outcome"),
        t.gettext("Agreed meetings per month"),
        t.gettext("Meetings reported"),
    ]


def checkin_questions() -> list[Question]:
    """The check-in questions whose answers go into the journal file: all but free text,
    each once (both sides are asked whether they met)."""
    found: dict[str, Question] = {}
    for name in CHECKIN_QUESTIONNAIRES:
        for question in load(name).questions:
            if question.kind is not Kind.TEXT:
                found.setdefault(question.id, question)
    return list(found.values())


def _journal_header(t: Translator, questions: list[Question]) -> list[str]:
    return [
        t.gettext("Entry id"),
        t.gettext("Pair id"),
        t.gettext("Written (UTC)"),
        t.gettext("Role"),
        t.gettext("Kind"),
        t.gettext("Check-in id"),
        t.gettext("Only for coordinators"),
    ] + [t.gettext(question.label) for question in questions]


def _outcome_header(t: Translator) -> list[str]:
    header = [
        t.gettext("Pair id"),
        t.gettext("Mentee id"),
        t.gettext("Field"),
        t.gettext("Municipality"),
        t.gettext("Started"),
        t.gettext("Ended"),
        t.gettext("Outcome"),
        t.gettext("Job start"),
        t.gettext("Hours a week"),
        t.gettext("Job fits the education (1 yes, 0 no)"),
    ]
    for months in FOLLOWUP_MONTHS:
        header += [
            t.gettext("After {months} months: status").format(months=t.number(months)),
            t.gettext("After {months} months: answer").format(months=t.number(months)),
            t.gettext("After {months} months: answered on").format(months=t.number(months)),
        ]
    return header
