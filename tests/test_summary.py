"""/summary: the coordinator gets the evaluation on one A4 page as a PDF, whose text (read back
with pdftotext, Debian's poppler-utils) holds the report's figures."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.evaluation import build_report
from bot.handlers.context import services_of
from bot.i18n import translator
from bot.model.evaluation import ReportFilter
from bot.report_words import share_text
from bot.summary import summary_language
from tests.scenarios import coordinator_ready
from tests.seeds import seed_programme

PDFTOTEXT = Path(os.environ.get("PDFTOTEXT", "/usr/bin/pdftotext"))


def read_pdf(data: bytes, tmp_path: Path) -> tuple[str, int]:
    """The PDF's text (white space made plain) and its number of pages; in CI a missing
    pdftotext fails the test, elsewhere it is skipped."""
    if not PDFTOTEXT.exists() and not shutil.which("pdftotext"):
        missing = f"no pdftotext at {PDFTOTEXT} (apt-get install poppler-utils; make test does)"
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    path = tmp_path / "summary.pdf"
    path.write_bytes(data)
    executable = str(PDFTOTEXT) if PDFTOTEXT.exists() else "pdftotext"
    text = subprocess.run(
        [executable, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = text.count("\f")  # pdftotext ends every page with a form feed
    return " ".join(text.replace("\u00a0", " ").split()), pages


def plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


async def test_a_coordinator_gets_the_summary_as_one_pdf_page(emulator, bot, tmp_path) -> None:
    db = services_of(bot.application).db
    await seed_programme(db)
    karen = await coordinator_ready(emulator)
    await karen.send("/summary")
    (message,) = await karen.next_messages(1, timeout=20)
    assert message.document["file_name"] == "mentorbro-summary-2026-11-23.pdf"
    stored = emulator.files.get(message.document["file_id"])
    assert stored is not None and stored.data.startswith(b"%PDF")
    text, pages = read_pdf(stored.data, tmp_path)
    assert pages == 1

    report = await build_report(db, ReportFilter(), bot.clock())
    t = translator("en")
    # 5 of 6 pairs that ended at least 3 months ago: 83% (95% interval 44-97%), against 52%
    assert plain(share_text(t, report.effects.benchmark.work)) in text
    assert "83% (95% interval 44–97%)" in text
    assert "The national programme: 52% found work." in text
    assert "The interval includes 52%: no clear difference" in text
    assert "Mentors recruited: 7" in text
    assert "Mentors trained (mentor course done): 5" in text
    assert "Mentees: 12" in text
    assert "Meetings per pair per month: 1.5" in text
    # 4 of 6 met within 14 days; all 6 met at least monthly, but the report's table hides
    # its levels (2 and 4 pairs), so no sum of them is on the page either
    assert "First meeting within 14 days: fewer than 5" in text
    assert "Met at least once a month: not shown" in text
    assert "five marks" in text
    assert "Ahmed" not in text and "Karen" not in text  # no names


async def test_the_summary_is_danish_for_other_languages(emulator, bot, tmp_path) -> None:
    await seed_programme(services_of(bot.application).db)
    laila = emulator.user(900001, first_name="Laila", language_code="ar")
    await laila.send("/start")
    await laila.next_message()
    await laila.send("/summary 1.1.2026 30.6.2026")
    (message,) = await laila.next_messages(1, timeout=20)
    stored = emulator.files.get(message.document["file_id"])
    assert stored is not None
    text, _ = read_pdf(stored.data, tmp_path)
    assert "Periode: 1. januar 2026 til 30. juni 2026" in text
    assert "Mentorer rekrutteret: 7" not in text  # the mentors joined in 2025
    assert summary_language("ar") == "da" and summary_language("en") == "en"


async def test_only_coordinators_get_a_summary(emulator, bot) -> None:
    mentor = emulator.user(4242, first_name="Ole", language_code="en")
    await mentor.send("/summary")
    answer = await mentor.next_message()
    assert answer.text == "Sorry, only the programme's coordinators can use this command."
    assert not any(m.document for m in mentor.messages)
