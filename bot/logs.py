"""The log's format: plain lines (the default) or, with LOG_FORMAT=json, one JSON object a line.

A JSON line holds the time, level, logger and message, and the update id and participant id
while the bot handles an update. The message is the bot's own words with internal ids; an
error's message is left out (it may quote what a person wrote), only its class and stack go.
"""

from __future__ import annotations

import contextvars
import json
import logging
import traceback
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Set for the task that handles one update (bot/updates.py, bot/handlers/context.py).
UPDATE_ID: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "mentorbro_update_id", default=None
)
PARTICIPANT_ID: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "mentorbro_participant_id", default=None
)


class JsonFormatter(logging.Formatter):
    """One JSON object a line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        update_id, participant_id = UPDATE_ID.get(), PARTICIPANT_ID.get()
        if update_id is not None:
            entry["update_id"] = update_id
        if participant_id is not None:
            entry["participant_id"] = participant_id
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = record.exc_info[0].__name__
            entry["stack"] = "".join(traceback.format_tb(record.exc_info[2]))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: int, log_format: str) -> None:
    """The root logger writes to stderr in the chosen format."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    logging.basicConfig(level=level, handlers=[handler], force=True)
