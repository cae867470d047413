"""A local Telegram Bot API emulator for testing the bot end to end."""

from .emulator import ApiCall, BotApiEmulator, EmulatorStats, Interceptor
from .errors import ApiError
from .ratelimit import RateLimits
from .state import CallbackAnswer
from .user import SimulatedUser
from .views import BotMessage, Button, ReplyKeyboard

__all__ = [
    "ApiCall",
    "ApiError",
    "BotApiEmulator",
    "BotMessage",
    "Button",
    "CallbackAnswer",
    "EmulatorStats",
    "Interceptor",
    "RateLimits",
    "ReplyKeyboard",
    "SimulatedUser",
]
