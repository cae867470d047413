"""Telegram-style HTML parsing into plain text plus message entities, and back.

The parser follows the rules of Telegram's own parser (tdlib ``parse_html``): only a fixed
set of tags is allowed, ``&lt; &gt; &amp; &quot;`` and numeric character references are
decoded, other ``&`` sequences stay literal, and errors carry the byte offset of the tag.
Entity offsets and lengths are counted in UTF-16 code units, like the Bot API does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any

Entity = dict[str, Any]
UserResolver = Callable[[int], dict[str, Any] | None]

_SPACES = " \t\r\n\v\f\0"
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_SUPPORTED_TAGS = frozenset({*_SIMPLE_TAGS, "a", "code", "pre", "blockquote", "tg-emoji"})
_NAMED_REFS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_CHAR_REF = re.compile(r"&(?:#x([0-9a-fA-F]*)|#([0-9]*)|([a-zA-Z]*));?")
_NAME_TOKEN = re.compile(r"[A-Za-z0-9.\-]*")
_MENTION_URL = re.compile(r"tg://user\?id=(\d+)$")
_URL = re.compile(r"^(?:(https?|tg|ftp)://)?([^\s/?#]+)([^\s]*)$", re.IGNORECASE)
_NO_NESTING = frozenset({"code", "pre"})


class EntityParseError(ValueError):
    """Raised for HTML that Telegram would reject with "can't parse entities"."""


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _OpenTag:
    name: str
    start: int  # UTF-16 offset in the output text
    byte_pos: int
    out_index: int
    attrs: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


class _HtmlParser:
    def __init__(self, source: str, resolve_user: UserResolver | None) -> None:
        self.src = source
        self.pos = 0
        self.out: list[str] = []
        self.offset = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[Entity] = []
        self.resolve_user = resolve_user

    def parse(self) -> tuple[str, list[Entity]]:
        while self.pos < len(self.src):
            char = self.src[self.pos]
            if char == "&" and self._char_ref():
                continue
            if char == "<":
                self._tag()
                continue
            self._emit(char)
            self.pos += 1
        if self.stack:
            name = self.stack[-1].name
            raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{name}"')
        return "".join(self.out), self.entities

    # -- helpers -----------------------------------------------------------------------------

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.offset += utf16_len(text)

    def _byte_offset(self, pos: int) -> int:
        return len(self.src[:pos].encode("utf-8"))

    def _char(self) -> str:
        return self.src[self.pos] if self.pos < len(self.src) else "\0"

    def _skip_spaces(self) -> None:
        while self.pos < len(self.src) and self.src[self.pos] in _SPACES:
            self.pos += 1

    def _read_until(self, stops: str) -> str:
        begin = self.pos
        while self.pos < len(self.src) and self.src[self.pos] not in stops:
            self.pos += 1
        return self.src[begin : self.pos]

    def _decode_ref(self, pos: int) -> tuple[str, int] | None:
        match = _CHAR_REF.match(self.src, pos)
        if match is None:
            return None
        hex_digits, dec_digits, name = match.groups()
        if name is not None:
            char = _NAMED_REFS.get(name)
            return (char, match.end()) if char else None
        digits = hex_digits if hex_digits is not None else dec_digits
        if not digits or len(digits) > 7:
            return None
        code = int(digits, 16 if hex_digits is not None else 10)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        return chr(code), match.end()

    def _char_ref(self) -> bool:
        decoded = self._decode_ref(self.pos)
        if decoded is None:
            return False
        char, self.pos = decoded
        self._emit(char)
        return True

    # -- tags --------------------------------------------------------------------------------

    def _tag(self) -> None:
        begin = self.pos
        self.pos += 1
        if self._char() == "/":
            self._end_tag(begin)
        else:
            self._start_tag(begin)

    def _start_tag(self, begin: int) -> None:
        byte_pos = self._byte_offset(begin)
        name = self._read_until(_SPACES + ">").lower()
        if self.pos >= len(self.src):
            raise EntityParseError(f"Unclosed start tag at byte offset {byte_pos}")
        if name not in _SUPPORTED_TAGS:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {byte_pos}')
        tag = _OpenTag(name, self.offset, byte_pos, len(self.out))
        while self._char() != ">":
            self._attribute(tag)
        self.pos += 1
        if name == "span" and tag.attrs.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {byte_pos}'
            )
        self.stack.append(tag)

    def _attribute(self, tag: _OpenTag) -> None:
        self._skip_spaces()
        if self._char() == ">":
            return
        attr_name = self._read_until(_SPACES + "=>").lower()
        if not attr_name:
            raise EntityParseError(
                f'Empty attribute name in the tag "{tag.name}" at byte offset {tag.byte_pos}'
            )
        self._skip_spaces()
        if self._char() != "=":
            if tag.name == "blockquote" and attr_name == "expandable":
                tag.flags.add(attr_name)
                return
            raise EntityParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag.name}" '
                f"at byte offset {tag.byte_pos}"
            )
        self.pos += 1
        self._skip_spaces()
        if self.pos >= len(self.src):
            raise EntityParseError(f"Unclosed start tag at byte offset {tag.byte_pos}")
        tag.attrs[attr_name] = self._attribute_value()
        if self.pos >= len(self.src):
            raise EntityParseError(f"Unclosed start tag at byte offset {tag.byte_pos}")

    def _attribute_value(self) -> str:
        quote = self._char()
        if quote not in "'\"":
            match = _NAME_TOKEN.match(self.src, self.pos)
            assert match is not None  # the pattern matches the empty string
            self.pos = match.end()
            if self._char() not in _SPACES + ">":
                byte_pos = self._byte_offset(match.start())
                raise EntityParseError(f"Unexpected end of name token at byte offset {byte_pos}")
            return match.group().lower()
        self.pos += 1
        value: list[str] = []
        while self.pos < len(self.src) and self.src[self.pos] != quote:
            decoded = self._decode_ref(self.pos) if self.src[self.pos] == "&" else None
            if decoded is None:
                value.append(self.src[self.pos])
                self.pos += 1
            else:
                value.append(decoded[0])
                self.pos = decoded[1]
        if self.pos < len(self.src):
            self.pos += 1
        return "".join(value)

    def _end_tag(self, begin: int) -> None:
        byte_pos = self._byte_offset(begin)
        if not self.stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {byte_pos}")
        self.pos += 1
        end_name = self._read_until(_SPACES + ">").lower()
        self._skip_spaces()
        if self._char() != ">":
            raise EntityParseError(f"Unclosed end tag at byte offset {byte_pos}")
        self.pos += 1
        tag = self.stack.pop()
        if end_name and end_name != tag.name:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {byte_pos}, expected "</{tag.name}>", '
                f'found "</{end_name}>"'
            )
        if self.offset > tag.start:
            self._close(tag)

    def _close(self, tag: _OpenTag) -> None:
        if tag.name == "code" and self.stack and self.stack[-1].name == "pre":
            language = tag.attrs.get("class", "")
            if language.startswith("language-") and len(language) > len("language-"):
                self.stack[-1].attrs["language"] = language.removeprefix("language-")
            return
        entity = self._entity_for(tag)
        if entity is not None:
            entity.update(offset=tag.start, length=self.offset - tag.start)
            self.entities.append(entity)

    def _entity_for(self, tag: _OpenTag) -> Entity | None:
        if tag.name in _SIMPLE_TAGS:
            return {"type": _SIMPLE_TAGS[tag.name]}
        if tag.name == "code":
            return {"type": "code"}
        if tag.name == "pre":
            language = tag.attrs.get("language")
            return {"type": "pre", "language": language} if language else {"type": "pre"}
        if tag.name == "blockquote":
            expandable = "expandable" in tag.flags
            return {"type": "expandable_blockquote" if expandable else "blockquote"}
        if tag.name == "tg-emoji":
            emoji_id = tag.attrs.get("emoji-id")
            return {"type": "custom_emoji", "custom_emoji_id": emoji_id} if emoji_id else None
        return self._link_entity(tag)

    def _link_entity(self, tag: _OpenTag) -> Entity | None:
        url = tag.attrs.get("href") or "".join(self.out[tag.out_index :])
        mention = _MENTION_URL.match(url)
        if mention:
            user = self.resolve_user(int(mention.group(1))) if self.resolve_user else None
            return {"type": "text_mention", "user": user} if user else None
        checked = normalize_url(url)
        return {"type": "text_link", "url": checked} if checked else None


def normalize_url(url: str) -> str | None:
    """Validate and normalise a link the way Telegram does, or return None if invalid."""
    match = _URL.match(url.strip())
    if match is None:
        return None
    scheme, host, rest = match.groups()
    scheme = (scheme or "http").lower()
    if scheme != "tg" and ("." not in host or host.startswith(".") or host.endswith(".")):
        return None
    if scheme != "tg" and not rest:
        rest = "/"
    return f"{scheme}://{host}{rest}"


def _inside_code(entity: Entity, entities: list[Entity]) -> bool:
    start, end = entity["offset"], entity["offset"] + entity["length"]
    return any(
        other is not entity
        and other["type"] in _NO_NESTING
        and other["offset"] <= start
        and end <= other["offset"] + other["length"]
        for other in entities
    )


def sort_entities(entities: list[Entity]) -> list[Entity]:
    """Order entities like Telegram: by offset, longer first; drop entities inside code/pre."""
    kept = [e for e in entities if e["length"] > 0 and not _inside_code(e, entities)]
    ordered = sorted(kept, key=lambda e: (e["offset"], -e["length"]))
    return [{"offset": e["offset"], "length": e["length"], **e} for e in ordered]


def parse_html(source: str, resolve_user: UserResolver | None = None) -> tuple[str, list[Entity]]:
    """Parse Telegram HTML into plain text and entities; raise EntityParseError if invalid."""
    text, entities = _HtmlParser(source, resolve_user).parse()
    return text, sort_entities(entities)


def strip_formatted(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Trim surrounding whitespace like Telegram does, clipping entities to the new text."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    cut = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    result = []
    for entity in entities:
        start = max(entity["offset"] - cut, 0)
        end = min(entity["offset"] + entity["length"] - cut, size)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


# -- entities back to HTML -------------------------------------------------------------------


def _open_tag(entity: Entity) -> tuple[str, str] | None:
    kind = entity["type"]
    simple = {
        "bold": "b",
        "italic": "i",
        "underline": "u",
        "strikethrough": "s",
        "spoiler": "tg-spoiler",
        "code": "code",
        "blockquote": "blockquote",
    }
    if kind in simple:
        return f"<{simple[kind]}>", f"</{simple[kind]}>"
    if kind == "pre":
        language = entity.get("language")
        if language:
            return f'<pre><code class="language-{escape(language)}">', "</code></pre>"
        return "<pre>", "</pre>"
    if kind == "expandable_blockquote":
        return "<blockquote expandable>", "</blockquote>"
    if kind == "text_link":
        return f'<a href="{escape(entity["url"])}">', "</a>"
    if kind == "text_mention":
        return f'<a href="tg://user?id={entity["user"]["id"]}">', "</a>"
    if kind == "custom_emoji":
        return f'<tg-emoji emoji-id="{escape(entity["custom_emoji_id"])}">', "</tg-emoji>"
    return None


def entities_to_html(text: str, entities: list[Entity] | None) -> str:
    """Render plain text plus entities as Telegram HTML (inverse of parse_html)."""
    units = text.encode("utf-16-le")
    tagged = [(e, tags) for e in sort_entities(entities or []) if (tags := _open_tag(e))]
    total = len(units) // 2
    edges = {e["offset"] for e, _ in tagged} | {e["offset"] + e["length"] for e, _ in tagged}
    bounds = sorted({0, total} | edges)
    parts: list[str] = []
    stack: list[tuple[Entity, tuple[str, str]]] = []
    for start, end in zip(bounds, [*bounds[1:], bounds[-1]], strict=True):
        _close_ending(stack, parts, start)
        for entity, tags in tagged:
            if entity["offset"] == start:
                parts.append(tags[0])
                stack.append((entity, tags))
        chunk = units[start * 2 : end * 2].decode("utf-16-le", errors="replace")
        parts.append(escape(chunk, quote=False))
    _close_ending(stack, parts, total)
    return "".join(parts)


def _close_ending(
    stack: list[tuple[Entity, tuple[str, str]]], parts: list[str], position: int
) -> None:
    ending = [i for i, (e, _) in enumerate(stack) if e["offset"] + e["length"] <= position]
    if not ending:
        return
    lowest = min(ending)
    reopen = [item for item in stack[lowest:] if item[0]["offset"] + item[0]["length"] > position]
    for _, tags in reversed(stack[lowest:]):
        parts.append(tags[1])
    del stack[lowest:]
    for item in reopen:
        parts.append(item[1][0])
        stack.append(item)
