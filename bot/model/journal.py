"""Journal entries: what a pair's check-ins, notes and events left for the coordinators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.model.questionnaire import Answer


@dataclass(frozen=True)
class JournalEntry:
    id: int
    pair_id: int
    author_id: int | None
    role: str
    kind: str
    answers: dict[str, Answer] | None
    text: str | None
    voice_file_id: str | None
    private: bool
    created_at: datetime
