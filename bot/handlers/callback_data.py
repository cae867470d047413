"""Typed callback data: one definition gives a button its data and its handler its pattern.

A button's data is its prefix (a kind and a version, e.g. ``ag1``) and its fields joined by
colons, ``ag1:12:2:6``: readable in the database and the logs, never personal data. A class
declares the fields with their types; `pack()` writes them, `pattern()` matches exactly what
`pack()` can write, and `parse()` reads them back typed. A trailing field that defaults to None
may be left out (a first step whose choice comes with the next press).

    @dataclass(frozen=True)
    class AgreementStep(CallbackData, prefix="ag1"):
        pair_id: int
        per_month: int | None = None
"""

from __future__ import annotations

import dataclasses
import re
import types
from enum import Enum
from typing import (
    Annotated,
    Any,
    ClassVar,
    Literal,
    Self,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

# A Telegram id or a row id: SQLite's integers have at most 19 digits, and the guard answers
# longer ones as tampered with before any pattern sees them.
ID = r"\d{1,18}"
WORD = r"[A-Za-z0-9_]+"
MAX_BYTES = 64  # Telegram's limit for callback data


class CallbackData:
    """The base of every button's data; subclasses are frozen dataclasses with a prefix."""

    PREFIX: ClassVar[str]
    _PATTERN: ClassVar[re.Pattern[str]]
    _PARSERS: ClassVar[tuple[tuple[str, Any], ...]]
    _known: ClassVar[dict[str, type[CallbackData]]] = {}

    def __init_subclass__(cls, *, prefix: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if prefix in CallbackData._known:
            raise TypeError(f"callback prefix {prefix!r} is used twice")
        CallbackData._known[prefix] = cls
        cls.PREFIX = prefix

    def pack(self) -> str:
        """The data for a button: the prefix, then each field given."""
        parts = [self.PREFIX]
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value is None:
                break
            parts.append(str(value.value if isinstance(value, Enum) else value))
        data = ":".join(parts)
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {self.PREFIX}")
        return data

    @classmethod
    def pattern(cls) -> re.Pattern[str]:
        """What this kind of button's data looks like, for its CallbackQueryHandler."""
        if "_PATTERN" not in cls.__dict__:
            cls._compile()
        return cls._PATTERN

    @classmethod
    def parse(cls, data: str | None) -> Self | None:
        """The typed fields of a button's data; None when it is not this kind of data."""
        match = cls.pattern().fullmatch(data or "")
        if match is None:
            return None
        values = {
            name: None if text is None else convert(text)
            for (name, convert), text in zip(cls._PARSERS, match.groups(), strict=True)
        }
        return cls(**values)

    @classmethod
    def _compile(cls) -> None:
        hints = get_type_hints(cls, include_extras=True)
        regex = re.escape(cls.PREFIX)
        parsers = []
        optional = 0
        for field in dataclasses.fields(cls):
            text, convert, may_be_none = _field_syntax(hints[field.name])
            if may_be_none:
                regex += f"(?::({text})"
                optional += 1
            else:
                if optional:
                    raise TypeError(f"{cls.__name__}: a required field after an optional one")
                regex += f":({text})"
            parsers.append((field.name, convert))
        cls._PATTERN = re.compile(f"^{regex}{')?' * optional}$")
        cls._PARSERS = tuple(parsers)


def _field_syntax(hint: Any) -> tuple[str, Any, bool]:
    """(regex, converter, may be None) for a field's type."""
    may_be_none = False
    if get_origin(hint) in (Union, types.UnionType):
        members = [arg for arg in get_args(hint) if arg is not type(None)]
        may_be_none = len(members) < len(get_args(hint))
        (hint,) = members
    if get_origin(hint) is Annotated:  # Annotated[str, r"regex"]: a string of that shape
        base, text = get_args(hint)
        return text, base, may_be_none
    if get_origin(hint) is Literal:
        choices = get_args(hint)
        kind = type(choices[0])
        return "|".join(re.escape(str(choice)) for choice in choices), kind, may_be_none
    if isinstance(hint, type) and issubclass(hint, Enum):
        return "|".join(re.escape(str(member.value)) for member in hint), hint, may_be_none
    if hint is int:
        return ID, int, may_be_none
    if hint is str:
        return WORD, str, may_be_none
    raise TypeError(f"no callback syntax for {hint!r}")


def known_prefixes() -> dict[str, type[CallbackData]]:
    """Every kind of callback data the bot has defined, by prefix."""
    return dict(CallbackData._known)
