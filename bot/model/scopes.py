"""A coordinator's municipalities as stored by /scope."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StoredScope:
    telegram_user_id: int
    # Municipality codes (a name as typed where the list could not place it); None: all.
    municipalities: tuple[int | str, ...] | None
