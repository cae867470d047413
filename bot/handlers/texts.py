"""Message texts shared by several handlers, rendered for one participant's language."""

from __future__ import annotations

from bot.commands import commands_for
from bot.i18n import Translator
from bot.participants import Role


def command_list(t: Translator, role: Role | None) -> str:
    """One line per command: "/help – What I can do for you"."""
    return "\n".join(
        t.line(f"{t.command(command.name)} – {t.gettext(command.description)}")
        for command in commands_for(role)
    )


def help_text(t: Translator, role: Role | None) -> str:
    if role is Role.COORDINATOR:
        intro = t.gettext("Your commands as a coordinator:")
    elif role is Role.MENTOR:
        intro = t.gettext(
            "As a mentor you help a person who is new in Denmark on the way to a job in your "
            "field. The coordinator finds a mentee for you and follows up on how it goes."
        )
    elif role is Role.MENTEE:
        intro = t.gettext(
            "A mentor is a volunteer who works in the field you want to work in. The mentor "
            "helps you on the way to a job. The coordinator finds a mentor for you and follows "
            "up on how it goes."
        )
    else:
        intro = t.gettext(
            "I am the chat bot of the volunteer career mentor programme. Mentors are volunteers "
            "who help refugees find work in the mentor's own field. Type /start to choose if you "
            "want to be a mentor or are looking for a mentor."
        )
    return f"{intro}\n\n{command_list(t, role)}"


def registered_text(t: Translator, role: Role) -> str:
    if role is Role.MENTOR:
        return t.gettext("You are registered as a volunteer mentor.")
    return t.gettext("You are registered as looking for a mentor.")
