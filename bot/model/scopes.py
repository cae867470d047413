"""A coordinator's municipalities as stored by /scope."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StoredScope:
    telegram_user_id: int
    municipalities: tuple[str, ...] | None  # None: programme-wide
