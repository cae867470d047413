"""Outcome follow-ups: the mentee asked 3 and 6 months after a pair ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FollowUp:
    id: int
    pair_id: int
    participant_id: int  # the mentee
    months: int  # after the pair's end
    due_at: datetime
    status: str
