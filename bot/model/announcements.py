"""An announcement: one text (or one per language) from a coordinator to a group."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Announcement:
    id: int
    coordinator_id: int  # participant id
    audience: str
    texts: dict[str, str]  # language, or "*" for all, -> text
    per_language: bool
    status: str  # draft, sending, sent, cancelled


@dataclass(frozen=True)
class Recipient:
    participant_id: int
    chat_id: int
    language: str
