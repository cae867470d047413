"""The sandbox page's own words in the page's language, and its clock line formatted by Babel."""

from __future__ import annotations

from datetime import datetime, tzinfo

from babel.dates import format_skeleton, format_time

from bot.i18n import SUPPORTED_LANGUAGES, Translator, guess_language


def page_labels(t: Translator) -> dict[str, str]:
    """Every label of the page by key; app.js fills in {name}-style placeholders.

    The context "sandbox page" (a literal, for extraction) keeps short labels such as "Add"
    or "Start" apart from the bot's own words."""
    return {
        "title": t.pgettext("sandbox page", "Mentorbro sandbox"),
        "page_language": t.pgettext("sandbox page", "Language of this page"),
        "clock": t.pgettext("sandbox page", "The bot's time:"),
        "time_controls": t.pgettext("sandbox page", "Fast-forward the bot's clock"),
        "forward_day": t.pgettext("sandbox page", "+1 day"),
        "forward_week": t.pgettext("sandbox page", "+1 week"),
        "reset": t.pgettext("sandbox page", "Reset"),
        "add_person": t.pgettext("sandbox page", "Add a person"),
        "name": t.pgettext("sandbox page", "Name"),
        "telegram_language": t.pgettext("sandbox page", "Telegram language"),
        "add": t.pgettext("sandbox page", "Add"),
        "tabs": t.pgettext("sandbox page", "Chats"),
        "chats": t.pgettext("sandbox page", "Chats with the bot"),
        "noscript": t.pgettext("sandbox page", "The sandbox needs JavaScript to show the chats."),
        "not_accepted": t.pgettext("sandbox page", "The sandbox did not accept that."),
        "coordinator": t.pgettext("sandbox page", "coordinator"),
        "telegram": t.pgettext("sandbox page", "Telegram: {language}"),
        "messages_with": t.pgettext("sandbox page", "Messages with {name}"),
        "keyboard": t.pgettext("sandbox page", "Keyboard from the bot"),
        "message": t.pgettext("sandbox page", "Message"),
        "message_as": t.pgettext("sandbox page", "Message as {name}"),
        "send": t.pgettext("sandbox page", "Send"),
        "start": t.pgettext("sandbox page", "Start"),
        "reply_to": t.pgettext("sandbox page", "Reply to: {text}"),
        "cancel_reply": t.pgettext("sandbox page", "Cancel the reply"),
        "edited": t.pgettext("sandbox page", "edited"),
        "reply": t.pgettext("sandbox page", "Reply"),
        "reply_to_this": t.pgettext("sandbox page", "Reply to this message"),
        "buttons": t.pgettext("sandbox page", "Buttons under the message"),
        "picture": t.pgettext("sandbox page", "Picture from the bot"),
        "document": t.pgettext("sandbox page", "document"),
        "size_kb": t.pgettext("sandbox page", "{size} kB"),
        "voice": t.pgettext("sandbox page", "Voice message"),
        "sticker": t.pgettext("sandbox page", "sticker"),
        "location": t.pgettext("sandbox page", "location"),
        "spoiler": t.pgettext("sandbox page", "Spoiler: click to show"),
        "fast_forwarding": t.pgettext("sandbox page", "Fast-forwarding…"),
        "forwarded_day": t.pgettext("sandbox page", "The bot's clock moved one day forward."),
        "forwarded_week": t.pgettext("sandbox page", "The bot's clock moved one week forward."),
        "reset_confirm": t.pgettext(
            "sandbox page", "Start the sandbox over? All chats and answers are removed."
        ),
        "reset_done": t.pgettext("sandbox page", "The sandbox starts over."),
        "added": t.pgettext("sandbox page", "{name} is added: press Start in the new chat."),
    }


def page_language(requested: str | None, accept_language: str | None, default: str) -> str:
    """The page's language: the one chosen on the page, else the browser's first language the
    sandbox has, else the coordinator's (SANDBOX_COORDINATOR_LANGUAGE)."""
    if requested in SUPPORTED_LANGUAGES:
        return requested
    for code in _preferred(accept_language or ""):
        language = guess_language(code, "")
        if language:
            return language
    return default


def _preferred(accept_language: str) -> list[str]:
    """The languages of an Accept-Language header, most wanted first."""
    ranked: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        code, _, parameters = part.strip().partition(";")
        weight = 1.0
        if parameters.strip().startswith("q="):
            try:
                weight = float(parameters.strip()[2:])
            except ValueError:
                continue
        if code and weight > 0:
            ranked.append((weight, code))
    ranked.sort(key=lambda entry: -entry[0])  # stable: equal weights keep their order
    return [code for _, code in ranked]


def clock_line(t: Translator, now: datetime, zone: tzinfo, offset_days: int) -> dict[str, str]:
    """The bot's time as the page shows it: weekday, date and time in the page's language, and
    how far it was fast-forwarded."""
    date = format_skeleton("MMMEd", now, tzinfo=zone, locale=t.locale)
    time = format_time(now, "short", tzinfo=zone, locale=t.locale)
    offset = ""
    if offset_days:
        days = t.ngettext("+{days} day", "+{days} days", offset_days)
        offset = f"({days.format(days=t.number(offset_days))})"
    return {
        "clock_text": t.locale.datetime_formats["medium"].format(time, date),
        "offset_text": offset,
    }
