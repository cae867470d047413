"""/report: the programme's figures as a message, a chart and CSV files for the coordinator."""

from __future__ import annotations

import asyncio
import re
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

from telegram import Update
from telegram.constants import ChatAction, MessageLimit
from telegram.ext import CommandHandler, filters

from bot import evaluation, outbox
from bot.charts import draw_outcomes_chart
from bot.exports import export, uploadable
from bot.handlers.common import send, tr
from bot.handlers.context import BotContext
from bot.handlers.coordinator import coordinator_only, sender_scope
from bot.handlers.report_view import field_names, render
from bot.i18n import Translator
from bot.model.evaluation import ReportFilter
from bot.model.participants import Participant

MIN_NAME_PREFIX = 4  # "Heal" finds Health care; shorter words are taken as a municipality
DAY = re.compile(r"^(?:(\d{1,2})\.(\d{1,2})\.(\d{4})|(\d{4})-(\d{2})-(\d{2}))$")


class UnreadableDate(ValueError):
    pass


def parse_filter(words: list[str], fields: dict[str, str]) -> ReportFilter:
    """`/report [from] [to] [municipality] [field]`: dates as 1.1.2026 or 2026-01-01, a field by
    its id or name, and the rest is the municipality. UnreadableDate for a date that is none."""
    days: list[date] = []
    field = None
    place = []
    for word in words:
        if DAY.match(word):
            days.append(_day(word))
        elif (found := _field(word, fields)) is not None:
            field = found
        else:
            place.append(word)
    return ReportFilter(
        start=days[0] if days else None,
        end=days[1] if len(days) > 1 else None,
        municipality=" ".join(place) or None,
        field=field,
    )


def _day(word: str) -> date:
    match = DAY.match(word)
    assert match is not None
    d, m, y, iso_y, iso_m, iso_d = match.groups()
    try:
        if iso_y:
            return date(int(iso_y), int(iso_m), int(iso_d))
        return date(int(y), int(m), int(d))
    except ValueError as error:
        raise UnreadableDate(word) from error


def _field(word: str, fields: dict[str, str]) -> str | None:
    wanted = word.casefold()
    for field_id, name in fields.items():
        by_name = len(wanted) >= MIN_NAME_PREFIX and name.casefold().startswith(wanted)
        if wanted == field_id.casefold() or by_name:
            return field_id
    return None


@coordinator_only
async def report_command(update: Update, context: BotContext, participant: Participant) -> None:
    """/report [from] [to] [municipality] [field]."""
    services = context.services
    t = tr(participant)
    try:
        chosen = parse_filter(list(context.args or []), field_names(t))
    except UnreadableDate:
        await send(update, usage(t))
        return
    chosen = replace(chosen, within=(await sender_scope(context, participant)).names)
    chat = update.effective_chat
    assert chat is not None
    await chat.send_action(ChatAction.UPLOAD_DOCUMENT)
    report = await evaluation.report(services, chosen)
    for part in parts(render(report, t)):
        await send(update, part)
    stamp = services.clock().astimezone(services.config.timezone).date().isoformat()
    with tempfile.TemporaryDirectory(prefix="mentorbro-report-") as folder:
        # Drawn and written at once, in processes of their own; one fails: the other ends.
        async with asyncio.TaskGroup() as both:
            chart = both.create_task(draw_outcomes_chart(report, t))
            files = both.create_task(export(services, chosen, t, Path(folder)))
        await outbox.reply_photo(context.bot, chat.id, chart.result())
        named = [(path, f"mentorbro-{path.stem}-{stamp}.csv") for path in files.result()]
        for sent, name in await uploadable(named):
            with sent.open("rb") as data:
                await outbox.reply_file(context.bot, chat.id, data, name)
    if not context.args:
        await send(update, usage(t))


def usage(t: Translator) -> str:
    return t.gettext(
        "For a period, a municipality or a field: {command} 1.1.2026 30.6.2026 Aarhus health"
    ).format(command=t.command("report"))


def parts(text: str) -> list[str]:
    """The text in messages Telegram accepts, split between paragraphs."""
    chunks: list[str] = []
    for paragraph in text.split("\n\n"):
        if chunks and len(chunks[-1]) + 2 + len(paragraph) <= MessageLimit.MAX_TEXT_LENGTH:
            chunks[-1] += "\n\n" + paragraph
        else:
            chunks.append(paragraph)
    return chunks


HANDLERS = [CommandHandler("report", report_command, filters=filters.ChatType.PRIVATE)]
