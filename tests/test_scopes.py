"""Several municipalities in one installation: Omar works for Aarhus, Karen for the whole programme.

Amal (mentor) and Yusuf (mentee) live in Aarhus; Lars (mentor) and Sara (mentee) in Odense.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.config import ConfigError, load_config
from bot.evaluation import build_report
from bot.handlers.questions import scope_text
from bot.handlers.report_view import render
from bot.i18n import translator
from bot.model.evaluation import ReportFilter
from bot.model.municipalities import by_code
from bot.model.participants import Role
from bot.scopes import PROGRAMME_WIDE, Scope, invitation_municipality, parse_command
from sandbox import SimulatedUser
from tests.conftest import COORDINATOR_ID, TOKEN, RunningBot, rows
from tests.scenarios import (
    MENTEE,
    MENTOR_ANSWERS,
    alerts_in,
    answer_mentor,
    both_accept,
    coordinator_ready,
    due_wave,
    ready_mentor,
    scan,
    submitted_screening,
    visible,
    waiting_mentee,
)
from tests.seeds import NOW

AARHUS_COORDINATOR = 900002
NOT_YOURS = "This is not in your municipalities."
LARS = {**MENTOR_ANSWERS, "name": "Lars Jensen", "municipality": "Odense"}
YUSUF = {**MENTEE, "municipality": "aarhus"}  # typed in lower case
SARA = {**MENTEE, "name": "Sara Noor", "municipality": "Odense"}


# -- the rule ----------------------------------------------------------------------------------


def test_a_scope_is_a_set_of_municipality_codes() -> None:
    scope = Scope.of([751, "751", 461, 461])
    assert scope.codes == (751, 461)
    assert scope.municipalities == (by_code(751), by_code(461))
    assert scope.allows(751) and scope.allows("461")
    assert not scope.allows(630) and not scope.allows(None)
    assert not scope.allows("Aarhus")  # an old answer as typed is nobody's but the programme's
    assert scope.allows_any([None, 630, 461])
    assert PROGRAMME_WIDE.programme_wide and PROGRAMME_WIDE.allows(None)


def test_a_region_in_a_scope_is_all_its_municipalities_and_shown_by_its_name() -> None:
    south = Scope.of(["Region Syddanmark"])
    assert south == Scope.of([1083]) == Scope.of(["1083"])
    assert south.codes == (1083,)
    assert south.allows(461) and south.allows("630") and not south.allows(751)
    assert south.municipalities is not None and len(south.municipalities) == 22
    assert not Scope((1083, 751)).allows(101)
    assert invitation_municipality(south, "").outside  # which of its 22 is for the mentee?
    assert invitation_municipality(south, "Vejle").municipality == by_code(630)
    assert invitation_municipality(south, "Aarhus").outside
    assert invitation_municipality(PROGRAMME_WIDE, "Region Syddanmark").unknown is not None
    shown = {
        language: visible(scope_text(translator(language), (1083, 751)))
        for language in ("en", "da", "ar")
    }
    assert shown == {
        "en": "Southern Denmark (Syddanmark), Aarhus",
        "da": "Region Syddanmark, Aarhus",
        "ar": "منطقة جنوب الدنمارك (Syddanmark)، Aarhus",
    }


def test_the_scope_command_takes_names_aliases_and_codes() -> None:
    command = parse_command(["900002", "Århus,", "Høje", "Taastrup,", "461"])
    assert command is not None
    assert (command.user_id, command.scope.codes, command.unknown) == (900002, (751, 169, 461), ())
    everything = parse_command(["900002", "ALL"])
    assert everything is not None and everything.scope == PROGRAMME_WIDE
    regions = parse_command(["900002", "Southern", "Denmark,", "Aarhus,", "1083"])
    assert regions is not None and regions.scope.codes == (1083, 751)
    assert parse_command(["900002"]) is None
    assert parse_command(["Omar", "Aarhus"]) is None
    assert parse_command(["900002", ","]) is None
    unknown = parse_command(["900002", "Aarhus,", "Arhuss"])
    assert unknown is not None
    ((typed, closest),) = [(u.typed, [m.name for m in u.closest]) for u in unknown.unknown]
    assert (typed, closest) == ("Arhuss", ["Aarhus"])


def test_an_invitation_stays_within_the_scope() -> None:
    aarhus = Scope((751,))
    assert invitation_municipality(aarhus, "").municipality == by_code(751)
    assert invitation_municipality(aarhus, " århus ").municipality == by_code(751)
    assert invitation_municipality(aarhus, "Odense").outside
    assert invitation_municipality(Scope((751, 461)), "").outside
    assert invitation_municipality(PROGRAMME_WIDE, "").municipality is None
    assert not invitation_municipality(PROGRAMME_WIDE, "").outside
    assert invitation_municipality(PROGRAMME_WIDE, "Vejle").municipality == by_code(630)
    unknown = invitation_municipality(PROGRAMME_WIDE, "Springfield").unknown
    assert unknown is not None and unknown.typed == "Springfield"


def test_scopes_in_the_configuration() -> None:
    env = {"BOT_TOKEN": TOKEN, "COORDINATOR_IDS": "900001,900002,900003"}
    config = load_config({**env, "COORDINATOR_SCOPES": "900002=Aarhus, odense ;900003=630"})
    assert dict(config.coordinator_scopes) == {900002: (751, 461), 900003: (630,)}
    assert load_config(env).coordinator_scopes == {}
    regions = load_config({**env, "COORDINATOR_SCOPES": "900002=Region Midtjylland,Odense"})
    assert dict(regions.coordinator_scopes) == {900002: (1082, 461)}
    for wrong in ("900002", "900002=", "Omar=Aarhus", "900009=Aarhus"):
        with pytest.raises(ConfigError, match="COORDINATOR_SCOPES"):
            load_config({**env, "COORDINATOR_SCOPES": wrong})
    with pytest.raises(ConfigError) as refused:
        load_config({**env, "COORDINATOR_SCOPES": "900002=Aarhus,Vejel"})
    assert str(refused.value) == (
        "COORDINATOR_SCOPES: 'Vejel' is not a Danish municipality; the closest: Vejen, Vejle"
    )


async def test_a_scoped_report_counts_only_its_municipalities(programme) -> None:
    whole = await build_report(programme, ReportFilter(), NOW)
    aarhus = await build_report(programme, ReportFilter(within=(751,)), NOW)
    roles = {row.role: row.total for row in aarhus.participants}
    # m1-m7 are from Aarhus; the test's mentors gave no municipality, so none is counted
    assert (roles[Role.MENTEE], roles[Role.MENTOR], roles[Role.COORDINATOR]) == (7, 0, 0)
    assert (aarhus.pairs.proposed, aarhus.pairs.ended) == (7, 7)
    assert aarhus.screenings.submitted == 0 < whole.screenings.submitted
    assert [group.name for group in aarhus.by_municipality] == ["Aarhus"]
    text = visible(render(aarhus, translator("en")))
    assert "Only the mentors and mentees of your municipalities: Aarhus" in text
    elsewhere = await build_report(programme, ReportFilter(within=(461, 630)), NOW)
    assert {row.role: row.total for row in elsewhere.participants}[Role.MENTEE] == 5
    assert whole.pairs.proposed == aarhus.pairs.proposed + elsewhere.pairs.proposed
    south = await build_report(programme, ReportFilter(within=(1083,)), NOW)  # Odense, Vejle
    assert south.participants == elsewhere.participants and south.pairs == elsewhere.pairs
    text = visible(render(south, translator("en")))
    assert "Only the mentors and mentees of your municipalities: Southern Denmark" in text


# -- end to end --------------------------------------------------------------------------------


@pytest.fixture
async def scoped_bot(request, make_config) -> AsyncIterator[RunningBot]:
    """Omar's scope as configured: Aarhus, unless a test passes another (indirect)."""
    running = RunningBot(
        make_config(
            coordinator_ids=f"{COORDINATOR_ID},{AARHUS_COORDINATOR}",
            coordinator_scopes=f"{AARHUS_COORDINATOR}={getattr(request, 'param', 'Aarhus')}",
        )
    )
    await running.start()
    yield running
    await running.stop()


@dataclass
class People:
    karen: SimulatedUser  # the whole programme
    omar: SimulatedUser  # Aarhus
    amal: SimulatedUser
    lars: SimulatedUser
    yusuf: SimulatedUser
    sara: SimulatedUser


async def coordinators(emulator) -> tuple[SimulatedUser, SimulatedUser]:
    karen = await coordinator_ready(emulator)
    omar = await coordinator_ready(emulator, AARHUS_COORDINATOR, "Omar")
    return karen, omar


async def waiting_people(emulator) -> People:
    """Two ready mentors and two waiting mentees; Omar has been told of the Aarhus ones."""
    karen, omar = await coordinators(emulator)
    amal = await ready_mentor(emulator, karen, 9001)
    await omar.next_message()  # Amal's screening
    lars = await ready_mentor(emulator, karen, 9003, LARS)
    yusuf = await waiting_mentee(emulator, karen, 9002, YUSUF)
    await omar.next_message()  # Yusuf is ready for matching
    sara = await waiting_mentee(emulator, karen, 9004, SARA)
    return People(karen, omar, amal, lars, yusuf, sara)


async def propose(coordinator: SimulatedUser, mentee: str, mentor: str) -> None:
    await coordinator.send("/match")
    listing = visible((await coordinator.next_message()).text)
    await coordinator.press(number_of(listing, mentee))
    suggestions = visible((await coordinator.next_message()).text)
    await coordinator.press(f"Propose {number_of(suggestions, mentor)}")
    await coordinator.next_message()  # "The proposal is sent to both…"


def number_of(listing: str, name: str) -> str:
    """The number a list gives the line with this name."""
    line = next(line for line in listing.splitlines() if name in line)
    return line.split(".")[0].strip()


async def two_pairs(emulator) -> People:
    """Omar pairs Amal with Yusuf in Aarhus, Karen pairs Lars with Sara in Odense."""
    people = await waiting_people(emulator)
    await propose(people.omar, "Yusuf Ali", "Amal Hassan")
    await both_accept(people.amal, people.yusuf)
    await people.omar.next_message()  # "New pair: …"
    await people.karen.next_message()
    await propose(people.karen, "Sara Noor", "Lars Jensen")
    await both_accept(people.lars, people.sara)
    await people.karen.next_message()
    return people


async def pair_of(bot: RunningBot, mentee: SimulatedUser) -> int:
    (row,) = await rows(
        bot,
        "SELECT p.id FROM pairs p JOIN participants m ON m.id = p.mentee_id "
        "WHERE m.telegram_user_id = ?",
        mentee.id,
    )
    return row[0]


async def participant_id(bot: RunningBot, user: SimulatedUser) -> int:
    (row,) = await rows(bot, "SELECT id FROM participants WHERE telegram_user_id = ?", user.id)
    return row[0]


def texts(user: SimulatedUser) -> str:
    return "\n".join(visible(message.text) for message in user.messages)


async def answer_to(user: SimulatedUser, command: str) -> str:
    await user.send(command)
    return visible((await user.next_message()).text)


async def refused(user: SimulatedUser, data: str) -> None:
    """A button pressed with this data is refused as outside the coordinator's municipalities."""
    await user.press_data(user.messages[-1], data)
    assert (await user.next_callback_answer()).text == NOT_YOURS


async def test_screenings_reach_and_are_decided_within_the_scope(emulator, scoped_bot) -> None:
    karen, omar = await coordinators(emulator)
    amal = await submitted_screening(emulator, 9001)
    lars = await submitted_screening(emulator, 9003, answers=LARS)
    assert "Amal Hassan" in visible((await karen.next_message()).text)
    assert "Lars Jensen" in visible((await karen.next_message()).text)
    assert "Amal Hassan" in visible((await omar.next_message()).text)

    listing = await answer_to(omar, "/pending")
    assert "Amal Hassan" in listing and "Lars Jensen" not in listing
    assert "Lars Jensen" in await answer_to(karen, "/pending")
    (row,) = await rows(
        scoped_bot,
        "SELECT run_id FROM screenings WHERE participant_id = ?",
        await participant_id(scoped_bot, lars),
    )
    lars_run = row[0]
    await refused(omar, f"rvo1:{lars_run}")
    await refused(omar, f"rv1:{lars_run}:approved")
    (status,) = await rows(scoped_bot, "SELECT status FROM screenings WHERE run_id = ?", lars_run)
    assert status[0] == "pending"
    assert "Lars Jensen" not in texts(omar)
    assert len(lars.messages) == len(amal.messages)  # Lars heard no decision


async def test_matching_lists_and_buttons_stay_within_the_scope(emulator, scoped_bot) -> None:
    people = await waiting_people(emulator)
    karen, omar = people.karen, people.omar
    assert "Sara Noor" not in texts(omar) and "Lars Jensen" not in texts(omar)

    listing = await answer_to(karen, "/match")
    assert "Yusuf Ali" in listing and "Sara Noor" in listing
    mentors = await answer_to(omar, "/mentors")
    assert "Amal Hassan" in mentors and "Lars Jensen" not in mentors
    listing = await answer_to(omar, "/match")
    assert "Yusuf Ali" in listing and "Sara Noor" not in listing

    sara, lars, yusuf = [
        await participant_id(scoped_bot, person)
        for person in (people.sara, people.lars, people.yusuf)
    ]
    await refused(omar, f"mt1:{sara}")
    await refused(omar, f"mp1:{yusuf}:{lars}")
    await refused(omar, f"mc1:{lars}:0")
    assert await rows(scoped_bot, "SELECT id FROM pairs") == []

    await omar.press("1")
    suggestions = visible((await omar.next_message()).text)
    assert "Amal Hassan" in suggestions and "Lars Jensen" not in suggestions
    await omar.press("Propose 1")
    await omar.next_message()
    await both_accept(people.amal, people.yusuf)
    told = visible((await omar.next_message()).text)
    assert told == "New pair: Amal Hassan (mentor) and Yusuf Ali (mentee)."
    assert visible((await karen.next_message()).text) == told


async def test_pairs_journal_and_overview_stay_within_the_scope(emulator, scoped_bot) -> None:
    people = await two_pairs(emulator)
    karen, omar = people.karen, people.omar
    assert "Lars Jensen (mentor)" not in texts(omar)  # not told of the Odense pair

    listing = await answer_to(omar, "/pairs")
    assert "Amal Hassan – Yusuf Ali" in listing and "Sara" not in listing
    listing = await answer_to(karen, "/pairs")
    assert "Amal Hassan – Yusuf Ali" in listing and "Lars Jensen – Sara Noor" in listing
    assert "Sara" not in await answer_to(omar, "/journal")
    assert "Sara" not in await answer_to(omar, "/note")

    odense = await pair_of(scoped_bot, people.sara)
    for data in ("po1:{}", "pe1:{}:job", "pr1:{}", "pp1:{}:14", "jr1:{}:-1", "nt1:{}"):
        await refused(omar, data.format(odense))
    (status,) = await rows(scoped_bot, "SELECT status FROM pairs WHERE id = ?", odense)
    assert status[0] == "active"
    assert not people.sara.messages[-1].text.startswith("The coordinator has ended")

    overview = await answer_to(omar, "/participants")
    assert "Mentors: 1" in overview and "Mentees: 1" in overview
    assert "Coordinators" not in overview
    overview = await answer_to(karen, "/participants")
    assert "Mentors: 2" in overview and "Mentees: 2" in overview


async def test_alerts_and_stalled_pairs_stay_within_the_scope(emulator, scoped_bot) -> None:
    people = await two_pairs(emulator)
    karen, omar = people.karen, people.omar
    scoped_bot.clock.advance(days=21, hours=1)
    await scan(scoped_bot)
    await karen.next_messages(2)
    await omar.next_message()
    (alert,) = alerts_in(omar)
    assert "Amal Hassan – Yusuf Ali" in visible(alert.text)
    assert any("Lars Jensen – Sara Noor" in visible(a.text) for a in alerts_in(karen))

    odense = await pair_of(scoped_bot, people.sara)
    (episode,) = await rows(scoped_bot, "SELECT id FROM stall_episodes WHERE pair_id = ?", odense)
    await refused(omar, f"al1:{episode[0]}:take")
    (taken,) = await rows(
        scoped_bot, "SELECT taken_by FROM stall_episodes WHERE id = ?", episode[0]
    )
    assert taken[0] is None

    await omar.send("/stalled")
    listing = await omar.next_message()
    assert "Amal Hassan – Yusuf Ali" in visible(listing.text) and "Sara" not in listing.text
    assert "Lars Jensen – Sara Noor" in await answer_to(karen, "/stalled")

    await omar.press("Send me a weekly digest instead", message=listing)
    await omar.next_message()
    await scan(scoped_bot)
    digest = visible((await omar.next_message()).text)
    assert digest.startswith("Weekly digest: pairs that need attention")
    assert "1. Amal Hassan – Yusuf Ali" in digest and "Sara" not in digest


async def test_a_scoped_report_and_announcement(emulator, scoped_bot) -> None:
    people = await two_pairs(emulator)
    omar = people.omar
    seen = len(omar.messages)
    await omar.send("/report")
    await omar.wait_for_messages(seen + 7, 60)  # the chart and files: niced processes
    text, _, pairs_file, *_ = omar.messages[seen : seen + 7]
    assert "Only the mentors and mentees of your municipalities: Aarhus" in visible(text.text)
    stored = emulator.files.get(pairs_file.document["file_id"])
    assert stored is not None
    pairs = list(csv.reader(io.StringIO(stored.data.decode("utf-8-sig")), delimiter=";"))
    assert len(pairs) == 2  # the header and the Aarhus pair

    await omar.send("/announce")
    await omar.next_message()
    await omar.press("All mentees")
    await omar.wait_for_edit(omar.last)
    await omar.press("One text for everyone")
    prompt = await omar.next_message()
    await omar.send("Jobmesse i Aarhus på lørdag.", reply_to=prompt)
    preview = visible((await omar.next_message()).text)
    assert preview.startswith("Ready to send to 1 person (All mentees):")
    await omar.press("Send")
    await omar.next_message()  # "Sending to 1 person…"
    assert "reached 1 of 1" in visible((await omar.next_message()).text)
    assert "Jobmesse" in people.yusuf.messages[-1].text
    assert "Jobmesse" not in texts(people.sara)


async def test_invitations_and_the_scope_command(emulator, scoped_bot) -> None:
    karen, omar = await coordinators(emulator)
    assert "mentee from Aarhus" in await answer_to(omar, "/invite")
    assert (await answer_to(omar, "/invite Odense")).startswith("You work for Aarhus.")
    assert "mentee from Odense" in await answer_to(karen, "/invite Odense")
    referrals = await rows(scoped_bot, "SELECT municipality FROM referrals ORDER BY id")
    assert [row[0] for row in referrals] == ["751", "461"]  # the municipalities' codes

    refusal = await answer_to(omar, f"/scope {COORDINATOR_ID} Odense")
    assert refusal == "Only coordinators for the whole programme can change municipalities."
    overview = await answer_to(karen, "/scope")
    assert f"{COORDINATOR_ID}: the whole programme" in overview
    assert f"{AARHUS_COORDINATOR}: Aarhus" in overview
    assert await answer_to(karen, f"/scope {COORDINATOR_ID} Vejle") == (
        "You cannot change your own municipalities."
    )
    assert await answer_to(karen, "/scope 12345 Vejle") == (
        "12345 is not one of the programme's coordinators."
    )
    saved = await answer_to(karen, f"/scope {AARHUS_COORDINATOR} Odense, Vejle")
    assert saved == f"Saved.\n{AARHUS_COORDINATOR}: Odense, Vejle"
    assert "mentee from Odense" in await answer_to(omar, "/invite odense")
    assert (await answer_to(omar, "/invite")).startswith("You work for Odense, Vejle.")

    await scoped_bot.restart()  # the stored scope wins over the configuration, also after this
    assert (await answer_to(omar, "/invite Aarhus")).startswith("You work for Odense, Vejle.")
    saved = await answer_to(karen, f"/scope {AARHUS_COORDINATOR} all")
    assert saved == f"Saved.\n{AARHUS_COORDINATOR}: the whole programme"
    assert "mentee from Vejle" in await answer_to(omar, "/invite Vejle")


async def test_status_counts_only_the_scope_and_says_what_is_the_whole_bot(
    emulator, scoped_bot
) -> None:
    people = await two_pairs(emulator)
    karen, omar = people.karen, people.omar
    people.yusuf.block()
    people.sara.block()
    await due_wave(scoped_bot)  # both mentors asked; both mentees unreachable, pairs alerted
    await karen.next_messages(2)
    await omar.next_message()
    assert len(alerts_in(karen)) == 2 and len(alerts_in(omar)) == 1
    await people.amal.next_message()
    await people.lars.next_message()
    await answer_mentor(people.amal)
    await people.amal.next_message()  # thanked

    whole = await answer_to(karen, "/status")
    assert "Check-ins this week: 4 sent, 1 answered." in whole
    assert "Open alerts about stalled pairs: 2" in whole
    assert "People who blocked the bot: 2" in whole
    assert "counted below" not in whole

    aarhus = await answer_to(omar, "/status")
    assert aarhus.startswith("Bot status\nRunning for ")
    assert "No backup yet.\nNo scheduled task has failed.\n" in aarhus
    assert (
        "Only your municipalities are counted below: Aarhus. The lines above are about the "
        "whole bot.\nCheck-ins this week: 2 sent, 1 answered.\n"
        "Open alerts about stalled pairs: 1\nPeople who blocked the bot: 1"
    ) in aarhus


@pytest.mark.parametrize("scoped_bot", ["Region Syddanmark, Aarhus"], indirect=True)
async def test_a_region_in_a_scope_reads_as_its_name_in_each_language(emulator, scoped_bot) -> None:
    karen = await coordinator_ready(emulator)
    omar = emulator.user(AARHUS_COORDINATOR, first_name="Omar", language_code="da")
    await omar.send("/start")
    await omar.next_message()

    listing = await answer_to(karen, "/scope")  # as configured
    assert f"{AARHUS_COORDINATOR}: Southern Denmark (Syddanmark), Aarhus\n" in listing
    assert (await answer_to(omar, "/invite")).startswith(
        "Du arbejder for Region Syddanmark, Aarhus. Skriv menteens kommune efter /invite, "
        "for eksempel: /invite Aabenraa"
    )
    assert "en mentee fra Vejle:" in await answer_to(omar, "/invite Vejle")
    assert "Only your municipalities" not in await answer_to(karen, "/status")
    assert "Region Syddanmark, Aarhus" in await answer_to(omar, "/status")

    saved = await answer_to(karen, f"/scope {AARHUS_COORDINATOR} Central Jutland, 1081")
    assert saved == (
        f"Saved.\n{AARHUS_COORDINATOR}: Central Jutland (Midtjylland), North Jutland (Nordjylland)"
    )
    assert (await answer_to(omar, "/invite Vejle")).startswith(
        "Du arbejder for Region Midtjylland, Region Nordjylland."
    )
