"""Babel extractor for questionnaire files: their texts and labels are msgids (babel.cfg)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from typing import IO, Any

TRANSLATABLE_KEYS = frozenset({"text", "label", "title", "intro", "refusal"})


def extract_toml(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, None, str, list[str]]]:
    """Yield (line, function, message, comments) for every translatable string in the file."""
    content = fileobj.read().decode("utf-8")
    for message in _strings(tomllib.loads(content)):
        yield _line_of(content, message), None, message, []


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in TRANSLATABLE_KEYS and isinstance(value, str):
                yield value
            else:
                yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def _line_of(content: str, message: str) -> int:
    first_line = message.splitlines()[0]
    index = content.find(first_line)
    return content.count("\n", 0, index) + 1 if index >= 0 else 0
