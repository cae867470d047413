"""/report: the coordinator gets the figures, a chart and the CSV files; nobody else does."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

from bot import exports
from bot.handlers.report import UnreadableDate, parse_filter
from bot.handlers.report_view import field_names
from bot.i18n import translator
from tests.scenarios import end_pair, matched, visible

# The chart and the files are made by niced processes of their own: on a busy machine they
# take seconds.
REPORT_WAIT_S = 60

FIELDS = field_names(translator("en"))


def test_the_report_filter_reads_dates_a_field_and_a_municipality() -> None:
    chosen = parse_filter(["1.1.2026", "2026-06-30", "Aarhus", "health"], FIELDS)
    assert (chosen.start, chosen.end) == (date(2026, 1, 1), date(2026, 6, 30))
    assert (chosen.municipality, chosen.field) == ("Aarhus", "health")
    assert parse_filter(["Høje", "Taastrup"], FIELDS).municipality == "Høje Taastrup"
    assert parse_filter([], FIELDS).start is None


def test_a_date_that_is_none_is_refused() -> None:
    try:
        parse_filter(["31.2.2026"], FIELDS)
    except UnreadableDate:
        return
    raise AssertionError("31 February was read as a date")


async def test_a_coordinator_gets_figures_chart_and_csv_files(emulator, bot) -> None:
    karen, mentor, _ = await matched(emulator)
    await end_pair(karen, "Ordinary job")
    await karen.next_message()  # "Reply to this message with the job's start date…"
    seen = len(karen.messages)
    await karen.send("/report")
    await karen.wait_for_messages(seen + 6, REPORT_WAIT_S)
    text, chart, *files, hint = karen.messages[seen : seen + 6]
    figures = visible(text.text)
    assert figures.startswith("Evaluation report")
    assert "Pairs ended: fewer than 5" in figures  # one pair: never an exact small count
    assert chart.photo
    names = [f.document["file_name"] for f in files]
    assert names == [
        "mentorbro-pairs-2026-11-23.csv",
        "mentorbro-journal-2026-11-23.csv",
        "mentorbro-outcomes-2026-11-23.csv",
    ]
    stored = emulator.files.get(files[0].document["file_id"])
    assert stored is not None and stored.data.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    rows = list(csv.reader(io.StringIO(stored.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Pair id" and len(rows) == 2
    assert "job" in rows[1]
    assert hint.text.startswith("For a period, a municipality or a field: /report")

    await mentor.next_message()  # "The coordinator has ended your mentorship…"
    await mentor.send("/report")
    refusal = await mentor.next_message()
    assert refusal.text == "Sorry, only the programme's coordinators can use this command."
    assert not any(m.document for m in mentor.messages)


async def test_a_csv_file_too_large_for_telegram_comes_zipped(emulator, bot, monkeypatch) -> None:
    monkeypatch.setattr(exports, "UPLOAD_LIMIT_BYTES", 0)  # every file as big as a large journal
    karen, _, _ = await matched(emulator)
    seen = len(karen.messages)
    await karen.send("/report")
    await karen.wait_for_messages(seen + 6, REPORT_WAIT_S)
    files = [m.document for m in karen.messages[seen : seen + 6] if m.document]
    by_name = {f["file_name"]: emulator.files.get(f["file_id"]) for f in files}
    assert list(by_name) == [
        "mentorbro-pairs-2026-11-23.csv.zip",
        "mentorbro-journal-2026-11-23.csv.zip",
        "mentorbro-outcomes-2026-11-23.csv.zip",
    ]
    stored = by_name["mentorbro-pairs-2026-11-23.csv.zip"]
    with zipfile.ZipFile(io.BytesIO(stored.data)) as archive:
        assert archive.namelist() == ["mentorbro-pairs-2026-11-23.csv"]
        inside = archive.read("mentorbro-pairs-2026-11-23.csv")
    assert inside.startswith(b"\xef\xbb\xbfPair id;")
