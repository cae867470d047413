"""The programme's types and rules as plain Python over plain data.

Nothing here reads or writes storage, talks to Telegram or does I/O beyond reading the
questionnaires shipped with the code; storage, services and handlers all build on it.
"""
