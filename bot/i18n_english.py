"""`make messages` step: the English catalog's translations are the msgids themselves.

The msgids are plain English, so a new or changed one needs no translator in English; the
catalog still lists it, so a missing string shows up the same way in every language.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def fill(path: Path) -> int:
    """Give every untranslated or fuzzy entry its msgid as translation; how many changed."""
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    changed = 0
    for message in catalog:
        if not message.id:
            continue
        if message.string and all(message.string) and not message.fuzzy:
            continue
        message.string = message.id  # a plural's (singular, plural) pair is its two forms
        message.flags.discard("fuzzy")
        changed += 1
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return changed


if __name__ == "__main__":
    print(f"{fill(Path(sys.argv[1]))} English entries filled")
