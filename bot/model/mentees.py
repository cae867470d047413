"""Mentees: invitation links, the introduction to mentoring, and the intake. No Telegram types."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from bot.model.msgids import N_

INTAKE = "intake"
REFERRAL_PREFIX = "r_"
REFERRAL_PATTERN = re.compile(r"^r_([A-Za-z0-9_-]{8,32})$")

# The introduction, one idea a message: the five marks of mentoring in the Danish programme
# (equal but different; progress toward a job and beyond; a committed collaboration; voluntary,
# the mentor a specialist and no counsellor; the coordinator matches and follows up), then what
# happens next and how the answers are used.
INTRODUCTION = (
    N_(
        "In the programme you get a mentor. A mentor is a volunteer who works in the field you "
        "want to work in, and who knows how to find a job in Denmark."
    ),
    N_(
        "You and your mentor are equal. Your mentor knows a lot about work in Denmark. You "
        "know a lot too, from your life and your work. You learn from each other."
    ),
    N_(
        "The goal is a job. Many people also get other good things: an education, better "
        "Danish, more self-confidence and new contacts."
    ),
    N_(
        "You meet your mentor regularly for several months, often one to four times a month. "
        "You agree together how often and where."
    ),
    N_(
        "You and your mentor both take part because you want to. The mentor is not paid. The "
        "mentor is an expert in their own field, not a caseworker or a counsellor, and cannot "
        "give you a job, but can help you on the way."
    ),
    N_(
        "A coordinator from the programme finds the right mentor for you. The coordinator "
        "follows how it goes and helps you and your mentor if you need it."
    ),
    N_(
        "What happens now: I ask you some questions. Then the coordinator looks for a mentor "
        "for you. That can take some weeks. I will write to you here when there is news."
    ),
    N_(
        "Your answers are only for the programme. Only the coordinators can read them. You "
        "decide: you can ask to see them or have them deleted at any time."
    ),
)


@dataclass(frozen=True)
class Referral:
    id: int
    code: str
    municipality: str | None  # its code (as text); an old one as typed
    participant_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class Intake:
    run_id: int
    participant_id: int
    status: str
    submitted_at: datetime


def new_referral_code() -> str:
    """Unguessable, so an invitation cannot be claimed by someone it was not sent to."""
    return secrets.token_urlsafe(9)


def referral_payload(referral: Referral) -> str:
    return f"{REFERRAL_PREFIX}{referral.code}"


def referral_code(payload: str) -> str | None:
    match = REFERRAL_PATTERN.match(payload)
    return match.group(1) if match else None


def invitation_link(bot_username: str, referral: Referral) -> str:
    return f"https://t.me/{bot_username}?start={referral_payload(referral)}"


def introduction_finished(step: int) -> bool:
    return step >= len(INTRODUCTION)
