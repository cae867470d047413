"""Reading Bot API request parameters from query string, form, multipart or JSON bodies."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from .errors import bad_request

# Complex values that python-telegram-bot (and others) send as JSON-encoded strings.
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "media",
        "reply_parameters",
        "link_preview_options",
        "menu_button",
        "message_ids",
    }
)
INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "reply_to_message_id",
        "user_id",
        "cache_time",
        "from_chat_id",
        "message_thread_id",
        "duration",
        "width",
        "height",
        "until_date",
    }
)
FLOAT_FIELDS = frozenset({"timeout", "latitude", "longitude"})
# An uploaded file is read this much at a time, the event loop getting a turn in between.
FILE_CHUNK_BYTES = 1 << 20
BOOL_FIELDS = frozenset(
    {
        "show_alert",
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
        "allow_paid_broadcast",
    }
)
_JSON_ERRORS = {
    "reply_markup": "can't parse reply keyboard markup JSON object",
    "entities": "can't parse entities JSON object",
    "caption_entities": "can't parse entities JSON object",
}


@dataclass(frozen=True)
class UploadedFile:
    """A file that arrived as a multipart/form-data part."""

    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.data)


async def read_params(request: web.Request) -> dict[str, Any]:
    """Collect and decode all parameters of a Bot API request."""
    raw: dict[str, Any] = dict(request.query)
    if request.body_exists:
        raw.update(await _read_body(request))
    return {name: decode_value(name, value) for name, value in raw.items()}


async def _read_body(request: web.Request) -> dict[str, Any]:
    content_type = request.content_type
    if content_type == "application/json":
        try:
            body = await request.json()
        except ValueError as exc:
            raise bad_request("can't parse JSON object") from exc
        if not isinstance(body, dict):
            raise bad_request("JSON object expected")
        return body
    if content_type.startswith("multipart/"):
        return await _read_multipart(request)
    return dict(await request.post())


async def _read_multipart(request: web.Request) -> dict[str, Any]:
    reader = await request.multipart()
    values: dict[str, Any] = {}
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        if part.filename is not None:
            content_type = part.headers.get("Content-Type")
            values[part.name] = UploadedFile(part.filename, content_type, await _read_file(part))
        else:
            values[part.name] = await part.text()
    return values


async def _read_file(part: BodyPartReader) -> bytes:
    """A file part, a large chunk at a time with the event loop's turn between chunks. The
    emulator shares its loop with the bot in the tests and benches: aiohttp's part.read() took
    a 30 MB upload 8 KB at a time without a turn, holding the bot up to 0.1 s."""
    chunks = []
    while chunk := await part.read_chunk(FILE_CHUNK_BYTES):
        chunks.append(chunk)
        await asyncio.sleep(0)
    return b"".join(chunks)


def decode_value(name: str, value: Any) -> Any:
    """Turn a raw string parameter into the value Telegram would see."""
    if not isinstance(value, str):
        return value
    if name in JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError as exc:
            raise bad_request(_JSON_ERRORS.get(name, f"can't parse {name} JSON object")) from exc
    if name in INT_FIELDS:
        stripped = value.strip()
        return int(stripped) if stripped.lstrip("-").isdigit() else value
    if name in FLOAT_FIELDS:
        try:
            return float(value)
        except ValueError:
            return value
    if name in BOOL_FIELDS:
        return value.strip().lower() in {"true", "1"}
    return value


class Params:
    """Typed access to the decoded parameters of one call."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def get(self, name: str, default: Any = None) -> Any:
        value = self.data.get(name)
        return default if value is None else value

    def has(self, name: str) -> bool:
        return self.data.get(name) is not None

    def get_int(self, name: str, default: int | None = None) -> int | None:
        value = self.data.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_request(f"invalid {name} specified")
        return value

    def get_float(self, name: str, default: float = 0.0) -> float:
        value = self.data.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad_request(f"invalid {name} specified")
        return float(value)

    def require_int(self, name: str) -> int:
        value = self.get_int(name)
        if value is None:
            raise bad_request(f"{name} is empty")
        return value

    def get_str(self, name: str, default: str | None = None) -> str | None:
        value = self.data.get(name)
        if value is None:
            return default
        if isinstance(value, str):
            return value
        if isinstance(value, int | float):
            return str(value)
        raise bad_request(f"invalid {name} specified")

    def require_str(self, name: str, empty_error: str | None = None) -> str:
        value = self.get_str(name)
        if not value:
            raise bad_request(empty_error or f"{name} is empty")
        return value

    def get_bool(self, name: str) -> bool:
        value = self.data.get(name)
        if isinstance(value, str):
            return value.lower() in {"true", "1"}
        return bool(value)

    def chat_id(self) -> int:
        value = self.data.get("chat_id")
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_request("chat not found")
        return value
