"""/report: the coordinator gets the figures, a chart and the CSV files; nobody else does."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest

from bot import exports
from bot.handlers.context import services_of
from bot.handlers.report import UnreadableDate, parse_filter, usage
from bot.i18n import SUPPORTED_LANGUAGES, translator
from bot.report_words import field_names
from sandbox import BotApiEmulator, BotMessage
from sandbox.faults import Fault, FaultInjector
from tests.conftest import RunningBot, rows
from tests.scenarios import (
    answer_mentor,
    coordinator_ready,
    due_wave,
    end_pair,
    matched,
    mentor_answered_check_in,
    visible,
)
from tests.seeds import seed_programme

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


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_the_usage_example_copied_as_it_stands_gives_its_filters(language: str) -> None:
    t = translator(language)
    example = visible(usage(t)).split("/report", 1)[1].split()
    chosen = parse_filter(example, field_names(t))
    assert (chosen.start, chosen.end) == (date(2026, 1, 1), date(2026, 6, 30))
    assert (chosen.municipality, chosen.field) == ("Aarhus", "health")


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
    await karen.wait_for_messages(seen + 7, REPORT_WAIT_S)
    text, chart, *files, hint = karen.messages[seen : seen + 7]
    figures = visible(text.text)
    assert figures.startswith("Evaluation report")
    assert "Pairs ended: fewer than 5" in figures  # one pair: never an exact small count
    assert chart.photo
    names = [f.document["file_name"] for f in files]
    assert names == [
        "mentorbro-pairs-2026-11-23.csv",
        "mentorbro-journal-2026-11-23.csv",
        "mentorbro-outcomes-2026-11-23.csv",
        "mentorbro-shares-2026-11-23.csv",
    ]
    assert "they are for coordinators only; do not pass them on." in figures
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
    await karen.wait_for_messages(seen + 7, REPORT_WAIT_S)
    files = [m.document for m in karen.messages[seen : seen + 7] if m.document]
    by_name = {f["file_name"]: emulator.files.get(f["file_id"]) for f in files}
    assert list(by_name) == [
        "mentorbro-pairs-2026-11-23.csv.zip",
        "mentorbro-journal-2026-11-23.csv.zip",
        "mentorbro-outcomes-2026-11-23.csv.zip",
        "mentorbro-shares-2026-11-23.csv.zip",
    ]
    stored = by_name["mentorbro-pairs-2026-11-23.csv.zip"]
    with zipfile.ZipFile(io.BytesIO(stored.data)) as archive:
        assert archive.namelist() == ["mentorbro-pairs-2026-11-23.csv"]
        inside = archive.read("mentorbro-pairs-2026-11-23.csv")
    assert inside.startswith(b"\xef\xbb\xbfPair id;")


async def test_a_csv_file_refused_once_by_telegram_arrives_whole_on_the_retry(
    emulator, bot
) -> None:
    karen, _, _ = await matched(emulator)
    seen = len(karen.messages)
    # The first file is streamed from its handle; the 429 makes the bot send it again.
    FaultInjector(
        emulator, share=1, kinds=(Fault.RATE_LIMITED,), methods={"sendDocument"}, limit=1
    ).install()
    await karen.send("/report")
    await karen.wait_for_messages(seen + 7, REPORT_WAIT_S)
    pairs = next(m.document for m in karen.messages[seen : seen + 7] if m.document)
    assert pairs["file_name"] == "mentorbro-pairs-2026-11-23.csv"
    stored = emulator.files.get(pairs["file_id"])
    assert stored is not None
    rows = list(csv.reader(io.StringIO(stored.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Pair id" and len(rows) == 2


async def test_the_trend_comes_as_a_second_chart(emulator, bot) -> None:
    """With 6 pairs that ended 3 months ago in one quarter, the share by quarter is a chart."""
    sent = await seeded_report(emulator, bot)
    text = "\n".join(visible(message.text) for message in sent if not message.document)
    assert "Compared with the national programme" in text
    assert "The interval includes 52%: no clear difference from the national programme." in text
    assert len([message for message in sent if message.photo]) == 2


async def test_the_first_reported_meeting_is_kept_for_the_evaluation(emulator, bot) -> None:
    """The mentor says they met: that is the pair's first meeting, and a later one is not."""
    _, mentor, _ = await mentor_answered_check_in(emulator, bot)
    signals = "SELECT met_at, last_meeting_at FROM pair_signals JOIN first_meetings USING (pair_id)"
    (first,) = await rows(bot, signals)
    assert first["met_at"] == first["last_meeting_at"]
    await due_wave(bot)
    await mentor.next_message()
    await answer_mentor(mentor)
    await mentor.next_message()
    (later,) = await rows(bot, signals)
    assert later["met_at"] == first["met_at"]
    assert later["last_meeting_at"] > later["met_at"]


async def test_the_shares_file_has_a_table_by_region(emulator, bot) -> None:
    """The seeded programme's 7 ended pairs are all in Aarhus: one region, Central Jutland."""
    sent = await seeded_report(emulator, bot)
    (shares,) = [m.document for m in sent if m.document and "shares" in m.document["file_name"]]
    stored = emulator.files.get(shares["file_id"])
    assert stored is not None
    table = list(csv.reader(io.StringIO(stored.data.decode("utf-8-sig")), delimiter=";"))
    by_region = [row[1:] for row in table if row[0] == "By region"]
    assert by_region == [["Central Jutland (Midtjylland)", "7", "5", "71", "36", "92"]]


async def seeded_report(emulator: BotApiEmulator, bot: RunningBot) -> list[BotMessage]:
    """What the coordinator is sent for /report on the seeded programme, up to the filter hint."""
    await seed_programme(services_of(bot.application).db)
    karen = await coordinator_ready(emulator)
    await karen.send("/report")
    sent: list[BotMessage] = []
    while not (sent and (sent[-1].text or "").startswith("For a period")):
        sent.append(await karen.next_message(timeout=REPORT_WAIT_S))
    return sent
