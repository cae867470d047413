"""Who may do what: every coordinator action tried by a mentor, a mentee and a stranger, and
every participant's button pressed by someone it was not sent to, or after its moment passed.

Each attempt must change nothing in the database, write to nobody but the presser, and answer
the presser briefly in their own language.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.commands import COORDINATOR_ONLY
from bot.handlers.texts import help_text
from bot.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES, translator
from bot.model.participants import Role
from sandbox import BotApiEmulator, SimulatedUser
from tests.conftest import COORDINATOR_ID, RunningBot, rows
from tests.scenarios import (
    end_pair,
    matched,
    onboard,
    ready_mentor,
    submitted_screening,
    waiting_mentee,
)

NOT_COORDINATOR_COMMAND = "Sorry, only the programme's coordinators can use this command."
NOT_COORDINATOR_BUTTON = "Only the programme's coordinators can do this."
NO_LONGER_ACTIVE = "This button is no longer active."
NOTHING_TO_PAUSE = "You have no check-ins to pause right now."
ALREADY_DONE = "This announcement has been sent or cancelled already."
HUGE = 10**20  # more than SQLite's integers hold
SHORT_ANSWER = 200  # Telegram's limit for the text of a callback query's answer
ARGUMENTS = {  # commands that take arguments are tried with plausible ones
    "invite": "Aarhus",
    "newlink": "Novo Nordisk intranet",
    "report": "1.1.2026 30.6.2026 Aarhus",
    "scope": f"{COORDINATOR_ID} Aarhus",
}
_stranger_ids = itertools.count(7001)
HELP = {  # what /help answers, in every language and for every role
    help_text(translator(language), role)
    for language in SUPPORTED_LANGUAGES
    for role in (None, *Role)
}
Act = Callable[[], Awaitable[bool]]  # does something as a person; True if it pressed a button

# Coordinators' buttons, with the ids of the world below.
COORDINATOR_BUTTONS = (
    "rvo1:{pending_run}",
    "rv1:{pending_run}:approved",
    "rv1:{pending_run}:rejected",
    "rv1:{pending_run}:interview",
    "rv1:{mentor_run}:course_done",
    "mt1:{proposed_mentee}",
    "mp1:{proposed_mentee}:{mentor}",
    "mc1:{mentor}",
    "mc1:{mentor}:5",
    "po1:{pair}",
    "pu1:{pair}",
    "pp1:{pair}:30",
    "pr1:{pair}",
    "pk1:{pair}",
    "pk1:{pair}:7",
    "pe1:{pair}",
    "pe1:{pair}:job",
    "jr1:{pair}:-1",
    "nt1:{pair}",
    "jv1:{entry}",
    "al1:{episode}:take",
    "al1:{episode}:snooze",
    "as1:digest",
    "an1:mentors",
    "an2:mentees:one",
    "an3:{announcement}:send",
    "an3:{announcement}:cancel",
    "co1",
    "co2:1:da",
    "co3:1",
    "co4:1",
    "co5:1:{mentor}:yes",
)


@dataclass
class World:
    """A programme in full swing: an active pair with check-ins out and a stall alert, a
    proposal waiting for its answers, a screening waiting for review, an announcement ready to
    send, a mentor in the middle of the screening and a mentee reading the introduction."""

    bot: RunningBot
    emulator: BotApiEmulator
    coordinator: SimulatedUser
    mentor: SimulatedUser  # writes in Danish
    mentee: SimulatedUser  # writes in Arabic
    proposed_mentor: SimulatedUser
    proposed_mentee: SimulatedUser
    newcomers: tuple[SimulatedUser, ...] = ()  # a mentor and a mentee, just started
    ids: dict[str, int] = field(default_factory=dict)

    def stranger(self, sender: SimulatedUser, message_id: int) -> tuple[SimulatedUser, int]:
        """Someone the bot has never seen, with a message of `sender` forwarded to them."""
        stranger = self.emulator.user(next(_stranger_ids), first_name="Eve", language_code="ar")
        return stranger, stranger.receive_forward(sender, message_id)


async def participant_id(bot: RunningBot, user: SimulatedUser) -> int:
    (row,) = await rows(bot, "SELECT id FROM participants WHERE telegram_user_id = ?", user.id)
    return row["id"]


async def switch_language(user: SimulatedUser, language: str) -> None:
    await user.send("/language")
    await user.next_message()
    await user.press(LANGUAGE_NAMES[language])
    await user.next_messages(2)  # the confirmation, and where the person stands


async def build_world(emulator: BotApiEmulator, bot: RunningBot) -> World:
    assert bot.application is not None and bot.application.job_queue is not None
    bot.application.job_queue.scheduler.pause()  # jobs run only when the test says so
    coordinator, mentor, mentee = await matched(emulator)
    await switch_language(mentor, "da")
    await switch_language(mentee, "ar")
    bot.clock.advance(days=14)
    await bot.run_job("checkin-wave")
    await mentor.next_message()
    await mentee.next_message()
    bot.clock.advance(days=7)
    await bot.run_job("stall-scan")
    await coordinator.next_message()  # the alert: no meeting for 21 days

    await submitted_screening(emulator, 9005)
    await coordinator.next_message()  # the screening waiting for review
    proposed_mentor = await ready_mentor(emulator, coordinator, 9003)
    proposed_mentee = await waiting_mentee(emulator, coordinator, 9004)
    world = World(bot, emulator, coordinator, mentor, mentee, proposed_mentor, proposed_mentee)
    ids = world.ids
    for name, user in (
        ("mentor", mentor),
        ("mentee", mentee),
        ("proposed_mentee", proposed_mentee),
        ("proposed_mentor", proposed_mentor),
    ):
        ids[name] = await participant_id(bot, user)
    await coordinator.send("/match")
    await coordinator.next_message()
    await coordinator.press("1")
    suggestions = await coordinator.next_message()
    await coordinator.press_data(
        suggestions, f"mp1:{ids['proposed_mentee']}:{ids['proposed_mentor']}"
    )
    await coordinator.next_message()  # "The proposal is sent to both…"
    await proposed_mentor.next_message()
    await proposed_mentee.next_message()

    await coordinator.send("/announce")
    choice = await coordinator.next_message()
    await coordinator.press("All mentors", message=choice)
    await coordinator.wait_for_edit(choice)
    await coordinator.press("One text for everyone", message=choice)
    prompt = await coordinator.next_message()
    await coordinator.send("The mentor course is on Friday.", reply_to=prompt)
    await coordinator.next_message()  # the preview with Send and Cancel
    await coordinator.send("/note")
    await coordinator.next_message()
    await coordinator.press("1")
    await coordinator.next_message()  # "Write the note about … as a reply"

    newcomer = await onboard(emulator, 9006, "en", "mentor")  # at the screening's first question
    reader = await onboard(emulator, 9007, "en", "mentee")  # at the first message about mentoring
    world.newcomers = (newcomer, reader)

    for name, sql, params in (
        ("pair", "SELECT id FROM pairs WHERE status = 'active'", ()),
        ("proposal", "SELECT id FROM pairs WHERE status = 'proposed'", ()),
        ("pending_run", "SELECT run_id FROM screenings WHERE status = 'pending'", ()),
        (
            "mentor_run",
            "SELECT run_id FROM screenings WHERE participant_id = ?",
            (ids["mentor"],),
        ),
        ("episode", "SELECT id FROM stall_episodes", ()),
        ("announcement", "SELECT id FROM announcements", ()),
        ("entry", "SELECT COALESCE(MAX(id), 1) FROM journal", ()),
        (
            "open_run",
            "SELECT id FROM questionnaire_runs WHERE status = 'in_progress' "
            "AND participant_id = (SELECT id FROM participants WHERE telegram_user_id = ?)",
            (newcomer.id,),
        ),
    ):
        (row,) = await rows(bot, sql, *params)
        ids[name] = row[0]
    return world


# -- what an attempt may and may not do ------------------------------------------------------


async def database(bot: RunningBot) -> dict[str, list[dict]]:
    """Every table's rows but the inbox's, which takes every update, refused ones too."""
    tables = await rows(
        bot,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name != 'inbox'",
    )
    return {
        table["name"]: [dict(row) for row in await rows(bot, f"SELECT * FROM {table['name']}")]
        for table in tables
    }


def without(state: dict[str, list[dict]], telegram_user_id: int) -> dict[str, list[dict]]:
    """The database but for one person's own participant row (first contact creates it)."""
    people = [p for p in state["participants"] if p["telegram_user_id"] != telegram_user_id]
    return {**state, "participants": people}


async def attempt(
    world: World, presser: SimulatedUser, act: Act, expected: str | None, reply: str | None = None
) -> None:
    """Do `act`, then check: the presser alone heard from the bot, in their language: `expected`
    (a msgid) as the answer to a button or the reply to a command, and `reply` as a message
    after a button; and the database did not change."""
    label = f"{presser!r}: {act.__doc__}"
    before = await database(world.bot)
    known = any(p["telegram_user_id"] == presser.id for p in before["participants"])
    mark = len(world.emulator.calls)
    pressed = await act()
    if pressed:
        answer = await presser.next_callback_answer()
    help_reply = await settle(world, presser)

    calls = world.emulator.calls[mark:]
    assert elsewhere(calls, presser) == [], label
    t = translator(await language_of(world.bot, presser))
    sent = [c.params.get("text") for c in calls if c.method.startswith(("send", "copy", "forw"))]
    if pressed:
        assert answer.text == (t.gettext(expected) if expected else None), label
        assert len(answer.text or "") <= SHORT_ANSWER, label
        assert sent == [t.gettext(m) for m in (reply,) if m] + [help_reply], label
    else:
        assert expected is not None
        assert sent == [t.gettext(expected), help_reply], label
    after = await database(world.bot)
    if not known:
        after = without(after, presser.id)
    assert after == before, label


async def settle(world: World, person: SimulatedUser) -> str:
    """Send /help and wait for its answer (returned). A chat's updates are handled in order, so
    by then the bot has done all it does about the person's earlier updates."""
    mark = len(world.emulator.calls)
    await person.send("/help")

    def reply() -> str | None:
        return next(
            (
                call.params["text"]
                for call in world.emulator.calls[mark:]
                if call.params.get("chat_id") == person.id and call.params.get("text") in HELP
            ),
            None,
        )

    return await person.wait_for(lambda _: reply(), what="the answer to /help")


def elsewhere(calls: list, presser: SimulatedUser) -> list[tuple[str, object]]:
    """The Bot API calls that went to any chat but the presser's."""
    return [
        (call.method, call.params.get("chat_id"))
        for call in calls
        if call.params.get("chat_id") not in (None, presser.id)
    ]


async def language_of(bot: RunningBot, user: SimulatedUser) -> str:
    (row,) = await rows(
        bot, "SELECT language FROM participants WHERE telegram_user_id = ?", user.id
    )
    return row["language"]


def press(presser: SimulatedUser, message_id: int, data: str) -> Act:
    """Press a button with `data` on a message in the presser's chat."""

    async def act() -> bool:
        await presser.press_data(message_id, data)
        return True

    act.__doc__ = f"presses {data}"
    return act


def command(presser: SimulatedUser, text: str) -> Act:
    """Send a command."""

    async def act() -> bool:
        await presser.send(text)
        return False

    act.__doc__ = f"sends {text}"
    return act


def last_message_id(user: SimulatedUser) -> int:
    assert user.last is not None
    return user.last.message_id


# -- the tests -------------------------------------------------------------------------------


async def test_coordinator_actions_are_refused_to_everyone_else(emulator, bot) -> None:
    world = await build_world(emulator, bot)
    await try_coordinator_commands(world)
    await try_coordinator_buttons(world)
    await try_replies_to_coordinator_prompts(world)


async def test_participants_buttons_work_only_for_their_person_and_moment(emulator, bot) -> None:
    world = await build_world(emulator, bot)
    await try_participants_buttons_as_others(world)
    await try_stale_and_tampered_buttons(world)


async def try_coordinator_commands(world: World) -> None:
    for name in [c.name for c in COORDINATOR_ONLY]:
        text = f"/{name} {ARGUMENTS.get(name, '')}".strip()
        stranger = world.emulator.user(next(_stranger_ids), first_name="Eve", language_code="ar")
        for person in (world.mentor, world.mentee, stranger):
            await attempt(world, person, command(person, text), NOT_COORDINATOR_COMMAND)


async def try_coordinator_buttons(world: World) -> None:
    alert = next(m for m in world.coordinator.messages if "A pair needs" in (m.text or ""))
    for template in COORDINATOR_BUTTONS:
        data = template.format(**world.ids)
        for person in (world.mentor, world.mentee):
            act = press(person, last_message_id(person), data)
            await attempt(world, person, act, NOT_COORDINATOR_BUTTON)
        stranger, forwarded = world.stranger(world.coordinator, alert.message_id)
        await attempt(world, stranger, press(stranger, forwarded, data), NOT_COORDINATOR_BUTTON)


async def try_replies_to_coordinator_prompts(world: World) -> None:
    """A note prompt forwarded to others and answered there writes nothing to the journal."""
    prompt = next(m for m in world.coordinator.messages if "Write the note" in (m.text or ""))
    stranger = world.emulator.user(next(_stranger_ids), first_name="Eve", language_code="ar")
    for person in (world.mentor, world.mentee, world.proposed_mentee, stranger):
        forwarded = person.receive_forward(world.coordinator, prompt.message_id)
        before = await database(world.bot)
        mark = len(world.emulator.calls)
        await person.send("The mentor never shows up.", reply_to=forwarded)
        await settle(world, person)
        assert elsewhere(world.emulator.calls[mark:], person) == [], person
        assert without(await database(world.bot), stranger.id) == before, person


async def try_participants_buttons_as_others(world: World) -> None:
    mentor, mentee = world.mentor, world.mentee
    other_mentor, other_mentee = world.proposed_mentor, world.proposed_mentee
    newcomer, reader = world.newcomers
    ids = world.ids
    check_in_of_mentor = mentor.last.buttons[0][0].callback_data
    check_in_of_mentee = mentee.last.buttons[0][0].callback_data
    proposal = other_mentor.last
    cases = [  # (the button's message, its owner, the data, who else presses it)
        (mentee.last, mentee, check_in_of_mentee, [mentor, other_mentee]),
        (mentor.last, mentor, check_in_of_mentor, [mentee, other_mentor]),
        (proposal, other_mentor, proposal.button("Yes").callback_data, [mentor, mentee]),
        (proposal, other_mentor, proposal.button("No").callback_data, [mentor, mentee]),
        (proposal, other_mentor, f"pd1:{ids['proposal']}:time", [mentor, mentee]),
        (mentor.last, mentor, f"ag1:{ids['pair']}", [other_mentor, other_mentee]),
        (mentor.last, mentor, f"ag1:{ids['pair']}:2:6", [other_mentor]),
        (mentor.last, mentor, f"cl1:{ids['pair']}:done", [other_mentee]),
        (newcomer.last, newcomer, f"q1:{ids['open_run']}:consent:o:yes", [mentor, reader]),
        (reader.last, reader, "in1:0", [mentee, other_mentee]),
    ]
    for message, owner, data, others in cases:
        for person in others:
            act = press(person, last_message_id(person), data)
            await attempt(world, person, act, NO_LONGER_ACTIVE)
        stranger, forwarded = world.stranger(owner, message.message_id)
        await attempt(world, stranger, press(stranger, forwarded, data), NO_LONGER_ACTIVE)

    # /pause's buttons pause the presser's own check-ins: for anyone else there are none.
    await mentor.send("/pause")
    pause = await mentor.wait_for(lambda u: next(iter(pause_menus(u)), None), what="/pause")
    stranger, forwarded = world.stranger(mentor, pause.message_id)
    for person, message_id in (
        (other_mentee, last_message_id(other_mentee)),
        (stranger, forwarded),
    ):
        await attempt(world, person, press(person, message_id, "cp1:7"), None, NOTHING_TO_PAUSE)


def pause_menus(user: SimulatedUser) -> list:
    return [m for m in user.messages if m.buttons and m.buttons[0][0].callback_data == "cp1:7"]


async def try_stale_and_tampered_buttons(world: World) -> None:
    coordinator, mentor, ids = world.coordinator, world.mentor, world.ids
    card = last_message_id(coordinator)
    cases = [
        (coordinator, f"po1:{ids['pair'] + 100}"),  # a pair that does not exist
        (coordinator, f"pe1:{ids['pair']}:promoted"),  # no such outcome
        (coordinator, f"pu1:{ids['proposal']}"),  # only an active pair is paused
        (coordinator, f"pk1:{ids['proposal']}:7"),  # a proposal has no check-ins yet
        (coordinator, f"pe1:{ids['proposal']}:job"),  # a proposal lapses, it is not ended
        (coordinator, f"po1:{HUGE}"),  # more than any id
        (mentor, f"ag1:{ids['pair']}:9:99"),  # numbers the buttons never offer
        (mentor, f"ag1:{ids['pair']}:0"),
        (mentor, f"cl1:{ids['pair']}:done"),  # the closing question was not asked
        (mentor, f"pa1:{ids['pair']}:n"),  # the proposal was answered long ago
        (mentor, f"ci1:{HUGE}:met:o:yes"),
    ]
    for presser, data in cases:
        message_id = card if presser is coordinator else last_message_id(presser)
        await attempt(world, presser, press(presser, message_id, data), NO_LONGER_ACTIVE)

    await coordinator.press_data(card, f"an3:{ids['announcement']}:cancel")
    await settle(world, coordinator)  # it is cancelled now
    for decision in ("cancel", "send"):
        data = f"an3:{ids['announcement']}:{decision}"
        await attempt(world, coordinator, press(coordinator, card, data), ALREADY_DONE)

    # An announcement in each language with only the Danish text written cannot go out yet.
    await coordinator.send("/announce")
    menu = await coordinator.wait_for(lambda u: u.last if u.last.buttons else None, what="menu")
    await coordinator.press("All mentees", message=menu)
    await coordinator.wait_for_edit(menu)
    await coordinator.press("One text in each language", message=menu)
    danish = await coordinator.wait_for(lambda u: u.last if "Danish" in u.last.text else None)
    await coordinator.send("Kurset er på fredag.", reply_to=danish)
    await coordinator.wait_for(lambda u: "English" in u.last.text, what="the English prompt")
    (draft,) = await rows(world.bot, "SELECT id FROM announcements WHERE status = 'draft'")
    send = press(coordinator, card, f"an3:{draft['id']}:send")
    await attempt(world, coordinator, send, NO_LONGER_ACTIVE)


async def test_an_ended_pairs_buttons_change_nothing(emulator, bot) -> None:
    assert bot.application is not None and bot.application.job_queue is not None
    bot.application.job_queue.scheduler.pause()
    coordinator, mentor, mentee = await matched(emulator)
    bot.clock.advance(days=14)
    await bot.run_job("checkin-wave")
    check_in = (await mentor.next_message()).buttons[0][0].callback_data
    await mentee.next_message()
    await end_pair(coordinator)
    await mentor.next_message()
    await mentee.next_message()  # "The coordinator has ended your mentorship…"
    (pair,) = await rows(bot, "SELECT id FROM pairs")
    bot.clock.advance(days=92)
    await bot.run_job("outcome-follow-ups")
    asked = await mentee.next_message()
    follow_up = asked.button("I have a job").callback_data
    world = World(bot, emulator, coordinator, mentor, mentee, mentor, mentee)
    card = last_message_id(coordinator)

    for presser, message_id, data in (
        (mentor, last_message_id(mentor), check_in),  # sent while the pair was active
        (mentor, last_message_id(mentor), follow_up),  # the mentee's, not the mentor's
        (coordinator, card, follow_up),
        (coordinator, card, f"pk1:{pair['id']}:7"),
        (coordinator, card, f"pu1:{pair['id']}"),
        (coordinator, card, f"pr1:{pair['id']}"),
        (coordinator, card, f"pe1:{pair['id']}:job"),
    ):
        await attempt(world, presser, press(presser, message_id, data), NO_LONGER_ACTIVE)
    stranger, forwarded = world.stranger(mentee, asked.message_id)
    await attempt(world, stranger, press(stranger, forwarded, follow_up), NO_LONGER_ACTIVE)


async def test_a_forwarded_language_button_changes_only_the_presser(emulator, bot) -> None:
    mentee = await onboard(emulator, 9002, "ar", "mentee")
    await mentee.send("/language")
    choice = await mentee.next_message()
    seen = len(mentee.messages)
    stranger = emulator.user(next(_stranger_ids), first_name="Eve", language_code="en")
    before = await database(bot)
    forwarded = stranger.receive_forward(mentee, choice.message_id)
    await stranger.press(LANGUAGE_NAMES["da"], message=forwarded)
    confirmed = await stranger.next_message()
    assert confirmed.text == translator("da").gettext("OK, I will write to you in English.")
    assert without(await database(bot), stranger.id) == before
    assert await language_of(bot, stranger) == "da"
    assert len(mentee.messages) == seen


async def test_a_button_forwarded_into_a_group_does_nothing_and_says_so(emulator, bot) -> None:
    mentee = await onboard(emulator, 9002, "ar", "mentee")  # at the first message about mentoring
    seen = len(mentee.messages)
    stranger = emulator.user(next(_stranger_ids), first_name="Eve", language_code="da")
    before = await database(bot)
    await stranger.press_data_in_group("in1:0")
    answer = await stranger.next_callback_answer()  # the last thing the bot does about it
    assert answer.text == translator("da").gettext(NO_LONGER_ACTIVE)
    assert await database(bot) == before  # not even the stranger is recorded
    assert stranger.messages == [] and len(mentee.messages) == seen
