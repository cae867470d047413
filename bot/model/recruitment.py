"""Recruitment channels: a named deep link per partner company, post or event."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

CHANNEL_PREFIX = "c_"
CODE_PATTERN = re.compile(r"^c_([A-Za-z0-9_-]{6,32})$")
MAX_NAME_LENGTH = 80


@dataclass(frozen=True)
class Channel:
    id: int
    code: str
    name: str
    created_at: datetime


@dataclass(frozen=True)
class ChannelCount:
    channel: Channel
    mentors: int
    mentees: int
    others: int


def new_code() -> str:
    """An unguessable code: nobody can attribute themself to a channel by guessing one."""
    return secrets.token_urlsafe(6)


def start_payload(channel: Channel) -> str:
    return f"{CHANNEL_PREFIX}{channel.code}"


def code_from_payload(payload: str) -> str | None:
    match = CODE_PATTERN.match(payload)
    return match.group(1) if match else None


def deep_link(bot_username: str, channel: Channel) -> str:
    return f"https://t.me/{bot_username}?start={start_payload(channel)}"


def clean_name(raw: str) -> str | None:
    """A channel's name from the coordinator's command, or None if there is none."""
    name = " ".join(raw.split())
    return name[:MAX_NAME_LENGTH] if name else None
