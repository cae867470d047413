"""What the page is told about a chat: plain JSON the browser turns into DOM nodes."""

from __future__ import annotations

from typing import Any

from sandbox.state import Chat, JsonDict, StoredMessage

# Message kinds a person may send that have no text: shown as a short label instead.
_LABELS = {"sticker": "sticker", "location": "location"}


def chat_json(chat: Chat) -> JsonDict:
    """A chat as it looks now: its messages (edits applied, deleted ones gone), the reply
    keyboard and the bot's latest answer to a pressed button."""
    messages = [message_json(m) for m in chat.messages.values() if not m.deleted]
    return {
        "messages": messages,
        "keyboard": keyboard_json(chat.reply_keyboard),
        "notice": notice_json(chat),
    }


def message_json(message: StoredMessage) -> JsonDict:
    content = message.content
    result: JsonDict = {
        "id": message.message_id,
        "from_bot": message.from_bot,
        "date": message.date,
        "edits": message.edit_count,
        "text": content.get("text", content.get("caption")),
        "entities": content.get("entities", content.get("caption_entities", [])),
        "buttons": _buttons(message.inline_markup),
    }
    if message.reply_to is not None and not message.reply_to.deleted:
        result["reply_to"] = message.reply_to.message_id
    media = _media(content)
    if media:
        result["media"] = media
    return result


def _buttons(markup: JsonDict | None) -> list[list[JsonDict]]:
    if not markup:
        return []
    return [
        [_button(button) for button in row if isinstance(button, dict)]
        for row in markup["inline_keyboard"]
    ]


def _button(button: JsonDict) -> JsonDict:
    shown: JsonDict = {"text": button.get("text", "")}
    if "callback_data" in button:
        shown["data"] = button["callback_data"]
    if isinstance(button.get("url"), str) and button["url"].startswith(("http://", "https://")):
        shown["url"] = button["url"]
    return shown


def _media(content: JsonDict) -> JsonDict | None:
    if content.get("photo"):
        largest = max(content["photo"], key=lambda size: size.get("file_size", 0))
        return {"kind": "photo", "file_id": largest["file_id"]}
    if content.get("document"):
        document = content["document"]
        return {
            "kind": "document",
            "file_id": document["file_id"],
            "file_name": document.get("file_name"),
            "size": document.get("file_size", 0),
        }
    if content.get("voice"):
        return {"kind": "voice", "file_id": content["voice"]["file_id"]}
    if content.get("contact"):
        return {"kind": "contact", "label": content["contact"].get("phone_number", "")}
    for kind, label in _LABELS.items():
        if kind in content:
            return {"kind": "label", "label": label}
    return None


def keyboard_json(markup: dict[str, Any] | None) -> JsonDict | None:
    if not markup or "keyboard" not in markup:
        return None
    rows = [
        [button["text"] if isinstance(button, dict) else str(button) for button in row]
        for row in markup["keyboard"]
    ]
    return {"rows": rows, "placeholder": markup.get("input_field_placeholder")}


def notice_json(chat: Chat) -> JsonDict | None:
    """The bot's latest answer to a pressed button, if it had words (Telegram's toast)."""
    answers = [answer for answer in chat.callback_answers if answer.text]
    if not answers:
        return None
    latest = answers[-1]
    return {"id": latest.query_id, "text": latest.text, "alert": latest.show_alert}


def fingerprint(chat: Chat) -> tuple[int, ...]:
    """Changes whenever anything chat_json shows changes: every change adds a message (a reply
    keyboard comes and goes with one), or bumps an edit count, a deletion or an answer."""
    messages = chat.messages.values()
    return (
        len(chat.messages),
        sum(m.edit_count for m in messages),
        sum(m.deleted for m in messages),
        len(chat.callback_answers),
    )
