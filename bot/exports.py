"""The report's data as CSV files for the coordinator: pairs, journal and outcomes, one row
each, and a summary of the shares that may be passed on (write_summary).

The files open in a Danish Excel as they are: UTF-8 with a byte order mark, `;` between
fields, CRLF line ends, the header in the coordinator's language. The row files are the
coordinator's own working data, so small groups are not hidden there (the report's footer says
they are for coordinators only), but they hold no more than the work needs:
ids, field, municipality, dates, states, outcomes and answers; no names, phone numbers,
Telegram ids, free text or voice messages. Values are the programme's codes (e.g. `ended`,
`subsidised_job`), the same in every language, so files can be put together. Times are UTC.

The files are written in a process of their own on a read-only connection, each row as the
cursor gives it: memory stays flat however long the journal is, and the chats go on meanwhile
(a thread would hold the interpreter lock for every row it formats).
Telegram takes files of up to 50 MB from a bot: a larger one (a big programme's journal) is
sent zipped, which shrinks CSV text about tenfold.
"""

from __future__ import annotations

import asyncio
import csv
import json
import sqlite3
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path

from bot.evaluation import query_of
from bot.i18n import Translator, translator
from bot.model.evaluation import FOLLOWUP_MONTHS, Report, ReportFilter
from bot.model.intervals import SMALL_GROUP, Proportion, protect
from bot.model.municipalities import display
from bot.model.questionnaire import Kind, Question, load
from bot.report_words import count_text, field_names, level_names, quarter_text
from bot.services import Services
from storage import Database
from storage import evaluation as store
from storage.evaluation import ReportQuery

CHECKIN_QUESTIONNAIRES = ("checkin_mentor", "checkin_mentee")

Cell = str | int | None
UPLOAD_LIMIT_BYTES = 50 * 1000 * 1000  # what Telegram takes from a bot


async def export(
    services: Services, report_filter: ReportFilter, t: Translator, directory: Path
) -> list[Path]:
    """The CSV files of `/report`, as of now."""
    return await write_exports(services.db, report_filter, t, directory, services.clock())


async def uploadable(path: Path, name: str) -> tuple[Path, str]:
    """The file to send as `name`, or a zip holding it as `name` when it is too large to send."""
    return await asyncio.to_thread(_uploadable, path, name)


def _uploadable(path: Path, name: str) -> tuple[Path, str]:
    if path.stat().st_size <= UPLOAD_LIMIT_BYTES:
        return path, name
    zipped = path.with_name(f"{path.name}.zip")
    with zipfile.ZipFile(zipped, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(path, arcname=name)
    return zipped, f"{name}.zip"


async def write_exports(
    db: Database, report_filter: ReportFilter, t: Translator, directory: Path, now: datetime
) -> list[Path]:
    """Write pairs.csv, journal.csv and outcomes.csv for the report's filter into
    `directory`; returns their paths."""
    query = await query_of(db, report_filter, now)
    return await db.read_in_process(write_all, query, t.language, directory)


def write_all(
    connection: sqlite3.Connection, query: ReportQuery, language: str, directory: Path
) -> list[Path]:
    """The three files, in the exports' own process (storage/db.py `read_in_process`)."""
    t = translator(language)
    return [
        write_pairs(connection, query, t, directory / "pairs.csv"),
        write_journal(connection, query, t, directory / "journal.csv"),
        write_outcomes(connection, query, t, directory / "outcomes.csv"),
    ]


def write_pairs(
    connection: sqlite3.Connection, query: ReportQuery, t: Translator, path: Path
) -> Path:
    """The report's pairs: those proposed, started or ended in the period."""
    return _write(path, _pair_header(t), store.pair_rows(connection, query), _pair_cells)


def write_journal(
    connection: sqlite3.Connection, query: ReportQuery, t: Translator, path: Path
) -> Path:
    """The journal of the report's pairs written in the period, with the check-in answers."""
    questions = checkin_questions()
    lists = [index for index, question in enumerate(questions) if question.kind is Kind.MULTI]

    def cells(row: sqlite3.Row) -> Sequence[Cell]:
        entry, pair, role, kind, checkin, private, written, *answers = row
        for index in lists:  # chosen options, stored as a JSON list: "applied, interview"
            if answers[index] is not None:
                answers[index] = ", ".join(json.loads(answers[index]))
        return [entry, pair, _minute(written), role, kind, checkin, private, *answers]

    rows = store.journal_rows(connection, query, tuple(question.id for question in questions))
    return _write(path, _journal_header(t, questions), rows, cells)


def write_outcomes(
    connection: sqlite3.Connection, query: ReportQuery, t: Translator, path: Path
) -> Path:
    """The pairs that ended in the period, their outcome, job and follow-up answers."""
    return _write(path, _outcome_header(t), store.outcome_rows(connection, query), _outcome_cells)


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
    return _write(path, header, rows, lambda row: row)


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


def _write(
    path: Path,
    header: list[str],
    rows: Iterable[sqlite3.Row],
    cells: Callable[[sqlite3.Row], Sequence[Cell]],
) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(map(cells, rows))
    return path


def _day(stamp: str | None) -> str | None:
    return stamp[:10] if stamp else None


def _minute(stamp: str) -> str:
    return f"{stamp[:10]} {stamp[11:16]}"


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


def _pair_cells(row: sqlite3.Row) -> Sequence[Cell]:
    return (
        row["id"],
        row["mentor_id"],
        row["mentee_id"],
        row["field"],
        display(row["municipality"]),
        row["channel"],
        row["status"],
        _day(row["proposed_at"]),
        _day(row["started_at"]),
        _day(row["ended_at"]),
        row["outcome"],
        row["meetings_per_month"],
        row["meetings"] or 0,
    )


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


def _outcome_cells(row: sqlite3.Row) -> Sequence[Cell]:
    cells: list[Cell] = [
        row["id"],
        row["mentee_id"],
        row["field"],
        display(row["municipality"]),
        _day(row["started_at"]),
        _day(row["ended_at"]),
        row["outcome"],
        row["job_start"],
        row["job_hours"],
        row["job_matches_qualifications"],
    ]
    for months in FOLLOWUP_MONTHS:
        cells += [
            row[f"status_{months}"],
            row[f"answer_{months}"],
            _day(row[f"answered_{months}"]),
        ]
    return cells
