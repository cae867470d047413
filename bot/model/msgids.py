"""Marking texts for translation where they are defined; bot/i18n translates them when shown."""


def N_(message: str) -> str:
    """Mark a msgid for extraction where it is defined; it is translated where it is shown."""
    return message
