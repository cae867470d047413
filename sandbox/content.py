"""Validation of message content: formatted text and reply markup."""

from __future__ import annotations

from typing import Any

from .errors import bad_request
from .html_entities import (
    EntityParseError,
    UserResolver,
    parse_html,
    sort_entities,
    strip_formatted,
    utf16_len,
)
from .params import Params
from .state import JsonDict

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
_URL_SCHEMES = ("http://", "https://", "tg://")


def formatted_text(
    params: Params,
    field: str,
    resolve_user: UserResolver | None,
) -> tuple[str, list[JsonDict]]:
    """Plain text and entities from ``field`` with parse_mode or the entities parameter."""
    source = params.get_str(field, "") or ""
    entities_field = "entities" if field == "text" else "caption_entities"
    if params.has(entities_field):
        text, entities = source, _checked_entities(source, params.get(entities_field))
    else:
        text, entities = _parse_mode(source, params.get_str("parse_mode"), resolve_user)
    return strip_formatted(text, entities)


def _parse_mode(
    source: str, parse_mode: str | None, resolve_user: UserResolver | None
) -> tuple[str, list[JsonDict]]:
    if not parse_mode:
        return source, []
    if parse_mode.lower() != "html":
        raise bad_request(f"unsupported parse_mode {parse_mode!r} (the emulator knows only HTML)")
    try:
        return parse_html(source, resolve_user)
    except EntityParseError as exc:
        raise bad_request(f"can't parse entities: {exc}") from exc


def _checked_entities(text: str, entities: Any) -> list[JsonDict]:
    if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
        raise bad_request("can't parse entities JSON object")
    size = utf16_len(text)
    result = []
    for entity in entities:
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or "type" not in entity:
            raise bad_request("can't parse entities: entity must have offset, length and type")
        if offset >= 0 and length > 0 and offset + length <= size:
            result.append(entity)
    return sort_entities(result)


def check_text(text: str) -> None:
    if not text:
        raise bad_request("message text is empty")
    if len(text) > MAX_TEXT:
        raise bad_request("message is too long")


def check_caption(caption: str) -> None:
    if len(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")


def text_content(text: str, entities: list[JsonDict], kind: str = "text") -> JsonDict:
    """Message fields for a text (``kind="text"``) or a caption (``kind="caption"``)."""
    if not text:
        return {}
    content: JsonDict = {kind: text}
    if entities:
        content["entities" if kind == "text" else "caption_entities"] = entities
    return content


# -- reply markup ----------------------------------------------------------------------------


def validate_reply_markup(markup: Any, *, inline_only: bool = False) -> JsonDict | None:
    """Check reply_markup like Telegram; returns it unchanged, or None if absent."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _check_rows(markup["inline_keyboard"], "inline_keyboard")
        for row in markup["inline_keyboard"]:
            for button in row:
                _check_inline_button(button)
        return markup
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup:
        _check_rows(markup["keyboard"], "keyboard")
        for row in markup["keyboard"]:
            for button in row:
                _check_reply_button(button)
        return markup
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def _check_rows(rows: Any, name: str) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{name}" of the markup must be an Array of Arrays')


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    if not button["text"]:
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = set(button) - {"text"}
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if data is not None:
        size = len(str(data).encode("utf-8"))
        if not isinstance(data, str) or size == 0 or size > MAX_CALLBACK_DATA:
            raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not (isinstance(url, str) and url.startswith(_URL_SCHEMES)):
        raise bad_request("BUTTON_URL_INVALID")


def _check_reply_button(button: Any) -> None:
    text = button.get("text") if isinstance(button, dict) else button
    if not isinstance(text, str) or not text:
        raise bad_request('can\'t parse keyboard button: Field "text" must be of type String')
