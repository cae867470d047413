"""Read-only snapshots of what a simulated user sees in her chat with the bot."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from .html_entities import entities_to_html
from .state import JsonDict, StoredMessage


class Button(NamedTuple):
    """An inline keyboard button as the user sees it."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class BotMessage:
    """A bot message in a user's chat, as it currently looks (edits applied).

    ``text`` is the message text or the media caption, ``entities`` the matching entities,
    ``html`` both rendered back to Telegram HTML. ``raw`` is the Bot API Message object.
    """

    message_id: int
    date: int
    text: str | None
    entities: list[JsonDict]
    html: str | None
    buttons: list[list[Button]]
    reply_markup: JsonDict | None
    document: JsonDict | None
    photo: list[JsonDict] | None
    reply_to_message_id: int | None
    edit_count: int
    edit_date: int | None
    deleted: bool
    raw: JsonDict

    @property
    def button_texts(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    def button(self, text: str) -> Button:
        """The inline button with this text; AssertionError if there is none."""
        for row in self.buttons:
            for button in row:
                if button.text == text:
                    return button
        raise AssertionError(f"no button {text!r} in message {self.message_id}: {self.buttons}")

    def describe(self) -> str:
        """One-line description used in assertion messages."""
        body = self.text if self.text is not None else _media_kind(self)
        parts = [f"#{self.message_id}: {body!r}"]
        if self.buttons:
            parts.append(f"buttons={self.button_texts}")
        if self.edit_count:
            parts.append(f"edited x{self.edit_count}")
        if self.deleted:
            parts.append("deleted")
        return " ".join(parts)


@dataclass(frozen=True)
class ReplyKeyboard:
    """The custom reply keyboard currently shown to a user."""

    rows: list[list[str]]
    one_time: bool
    placeholder: str | None
    raw: JsonDict

    @property
    def texts(self) -> list[str]:
        return [text for row in self.rows for text in row]

    def button(self, text: str) -> JsonDict:
        for row in self.raw["keyboard"]:
            for button in row:
                value = button if isinstance(button, dict) else {"text": button}
                if value.get("text") == text:
                    return value
        raise AssertionError(f"no reply button {text!r}; the keyboard shows {self.rows}")


def _media_kind(message: BotMessage) -> str:
    if message.document:
        return f"<document {message.document.get('file_name', '')}>"
    if message.photo:
        return "<photo>"
    return "<message>"


def _buttons(markup: JsonDict | None) -> list[list[Button]]:
    if not markup or "inline_keyboard" not in markup:
        return []
    return [
        [Button(b.get("text", ""), b.get("callback_data"), b.get("url")) for b in row]
        for row in markup["inline_keyboard"]
    ]


def bot_message_view(stored: StoredMessage, raw: JsonDict) -> BotMessage:
    content = stored.content
    text = content.get("text", content.get("caption"))
    entities = content.get("entities", content.get("caption_entities", []))
    return BotMessage(
        message_id=stored.message_id,
        date=stored.date,
        text=text,
        entities=list(entities),
        html=entities_to_html(text, entities) if text is not None else None,
        buttons=_buttons(stored.reply_markup),
        reply_markup=stored.reply_markup,
        document=content.get("document"),
        photo=content.get("photo"),
        reply_to_message_id=stored.reply_to.message_id if stored.reply_to else None,
        edit_count=stored.edit_count,
        edit_date=stored.edit_date,
        deleted=stored.deleted,
        raw=raw,
    )


def reply_keyboard_view(markup: dict[str, Any] | None) -> ReplyKeyboard | None:
    if not markup:
        return None
    rows = [
        [b["text"] if isinstance(b, dict) else str(b) for b in row] for row in markup["keyboard"]
    ]
    return ReplyKeyboard(
        rows=rows,
        one_time=bool(markup.get("one_time_keyboard")),
        placeholder=markup.get("input_field_placeholder"),
        raw=markup,
    )
