"""The update inbox's rules: how often an update is tried, how long a handled one is kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

# Tries of one update: the first as it arrived, then one replay at each of the next starts.
# One that never got through three of them is set aside, so a bad update cannot loop.
MAX_TRIES = 3
# A handled (or failed) update is kept this long, then deleted: what a person wrote is stored
# in its own tables, the inbox holds it only to replay it.
KEPT_FOR = timedelta(days=7)


@dataclass(frozen=True)
class InboxEntry:
    """An update received but not yet handled."""

    update_id: int
    chat_id: int | None
    raw: str  # the update as Telegram sent it (JSON)
    committed: bool  # a transaction made while handling it is stored
    replays: int  # how often a start handed it to the handlers again

    @property
    def exhausted(self) -> bool:
        """Tried three times already (the first try and two replays): set it aside."""
        return 1 + self.replays >= MAX_TRIES
