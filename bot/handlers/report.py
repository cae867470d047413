"""/report: the programme's figures as a message, a chart and CSV files for the coordinator."""

from __future__ import annotations

import asyncio
import io
import re
from dataclasses import replace
from datetime import date

from telegram import Update
from telegram.constants import ChatAction, MessageLimit
from telegram.ext import CommandHandler, filters

from bot import evaluation, outbox
from bot.charts import draw_outcomes_chart, draw_trend_chart, has_trend
from bot.exports import contents, export, scratch_folder, uploadable, write_summary
from bot.handlers.common import send, tr
from bot.handlers.context import BotContext
from bot.handlers.coordinator import coordinator_only, sender_scope
from bot.handlers.report_view import render
from bot.i18n import Translator, translator
from bot.model.evaluation import Report, ReportFilter
from bot.model.participants import Participant
from bot.report_words import field_names
from bot.services import Services
from bot.summary import draw_summary, summary_language

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


async def chosen_report(
    update: Update, context: BotContext, participant: Participant
) -> tuple[ReportFilter, Report] | None:
    """The filter of `/report` or `/summary` within the coordinator's municipalities and its
    report, the chat told a file is on its way; None (after explaining how to write it) when a
    date could not be read."""
    t = tr(participant)
    try:
        chosen = parse_filter(list(context.args or []), field_names(t))
    except UnreadableDate:
        await send(update, usage(t))
        return None
    chosen = replace(chosen, within=(await sender_scope(context, participant)).codes)
    chat = update.effective_chat
    assert chat is not None
    await chat.send_action(ChatAction.UPLOAD_DOCUMENT)
    return chosen, await evaluation.report(context.services, chosen)


def today(services: Services) -> date:
    """The day in the programme's time zone, for the names of the files."""
    return services.clock().astimezone(services.config.timezone).date()


@coordinator_only
async def report_command(update: Update, context: BotContext, participant: Participant) -> None:
    """/report [from] [to] [municipality] [field]."""
    services = context.services
    t = tr(participant)
    found = await chosen_report(update, context, participant)
    if found is None:
        return
    chosen, report = found
    chat = update.effective_chat
    assert chat is not None
    for part in parts(render(report, t)):
        await send(update, part)
    stamp = today(services).isoformat()
    async with scratch_folder() as folder:
        # Drawn and written at once, in processes of their own; one fails: the others end.
        async with asyncio.TaskGroup() as tasks:
            chart = tasks.create_task(draw_outcomes_chart(report, t))
            trend = tasks.create_task(draw_trend_chart(report, t)) if has_trend(report) else None
            files = tasks.create_task(export(services, chosen, t, folder))
        await outbox.reply_photo(context.bot, chat.id, chart.result())
        if trend is not None:
            await outbox.reply_photo(context.bot, chat.id, trend.result())
        paths = [*files.result(), write_summary(report, t, folder / "shares.csv")]
        named = [(path, f"mentorbro-{path.stem}-{stamp}.csv") for path in paths]
        for sent, name in await uploadable(named):
            await outbox.reply_file(context.bot, chat.id, await contents(sent), name)
    if not context.args:
        await send(update, usage(t))


@coordinator_only
async def summary_command(update: Update, context: BotContext, participant: Participant) -> None:
    """/summary [from] [to] [municipality] [field]: the report's figures on one A4 page (PDF),
    in Danish or English."""
    found = await chosen_report(update, context, participant)
    if found is None:
        return
    _, report = found
    chat = update.effective_chat
    assert chat is not None
    page = await draw_summary(report, translator(summary_language(participant.language)))
    stamp = today(context.services).isoformat()
    await outbox.reply_file(
        context.bot, chat.id, io.BytesIO(page), f"mentorbro-summary-{stamp}.pdf"
    )


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


HANDLERS = [
    CommandHandler("report", report_command, filters=filters.ChatType.PRIVATE),
    CommandHandler("summary", summary_command, filters=filters.ChatType.PRIVATE),
]
