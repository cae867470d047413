"""/start, language and role, as a person goes through them in Telegram."""

from __future__ import annotations

import asyncio

import pytest

from bot.handlers.context import services_of
from bot.i18n import SUPPORTED_LANGUAGES, translator
from bot.model.participants import Role, Status
from storage import participants
from tests.conftest import COORDINATOR_ID
from tests.scenarios import onboard

# What a person reads, written out by hand for each language.
SCRIPT = {
    "da": {
        "button": "Dansk",
        "which_language": "Hvilket sprog vil du bruge?",
        "confirmed": "Godt, jeg skriver til dig på dansk.",
        "role_question": "Hvad passer på dig?",
        "mentor": "Jeg vil være frivillig mentor",
        "mentee": "Jeg søger en mentor",
        "mentor_next": "Tak, fordi du vil hjælpe!",
        "mentee_next": "Velkommen! Først får du nogle korte beskeder",
        "welcome_back": "Velkommen tilbage!",
    },
    "en": {
        "button": "English",
        "which_language": "Which language do you want to use?",
        "confirmed": "OK, I will write to you in English.",
        "role_question": "What brings you here?",
        "mentor": "I want to volunteer as a mentor",
        "mentee": "I am looking for a mentor",
        "mentor_next": "Thank you for wanting to help!",
        "mentee_next": "Welcome! First, a few short messages about mentoring.",
        "welcome_back": "Welcome back!",
    },
    "ar": {
        "button": "العربية",
        "which_language": "ما اللغة التي تريد استخدامها؟",
        "confirmed": "حسنًا، سأكتب لك باللغة العربية.",
        "role_question": "ما الذي ينطبق عليك؟",
        "mentor": "أرغب في التطوع في الإرشاد",
        "mentee": "أبحث عن مرشد",
        "mentor_next": "شكرًا لرغبتك في المساعدة!",
        "mentee_next": "أهلًا بك! أولًا، إليك بعض الرسائل القصيرة",
        "welcome_back": "أهلًا بعودتك!",
    },
    "uk": {
        "button": "Українська",
        "which_language": "Якою мовою ви хочете користуватися?",
        "confirmed": "Добре, я писатиму вам українською.",
        "role_question": "Що привело вас сюди?",
        "mentor": "Я хочу бути ментором-волонтером",
        "mentee": "Я шукаю ментора",
        "mentor_next": "Дякуємо, що хочете допомогти!",
        "mentee_next": "Вітаємо! Спочатку кілька коротких повідомлень про менторство.",
        "welcome_back": "З поверненням!",
    },
    "fa": {
        "button": "فارسی / دری",
        "which_language": "می‌خواهید از کدام زبان استفاده کنید؟",
        "confirmed": "بسیار خب، از این به بعد به فارسی برایتان می‌نویسم.",
        "role_question": "چه چیزی شما را به اینجا آورده است؟",
        "mentor": "می‌خواهم داوطلبانه منتور شوم",
        "mentee": "دنبال منتور هستم",
        "mentor_next": "ممنون که می‌خواهید کمک کنید!",
        "mentee_next": "خوش آمدید! اول چند پیام کوتاه دربارهٔ منتورینگ می‌خوانید.",
        "welcome_back": "خوش برگشتید!",
    },
}
LANGUAGE_BUTTONS = ["Dansk", "English", "العربية", "Українська", "فارسی / دری"]


async def stored(bot, user_id: int):
    return await participants.get(services_of(bot.application).db, user_id)


async def marked_unreachable(bot, user_id: int) -> None:
    """Wait until the bot has stored that the person blocked it: another chat's update is not
    ordered after that."""
    for _ in range(500):  # 5 s
        if (await stored(bot, user_id)).status is Status.UNREACHABLE:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"participant {user_id} was never marked unreachable")


def buttons(message) -> list[str]:
    return [button.text for row in message.buttons for button in row]


def test_the_script_has_every_language_of_the_table() -> None:
    assert list(SCRIPT) == list(SUPPORTED_LANGUAGES)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize("role", ["mentor", "mentee"])
async def test_start_language_and_role_in_each_language(emulator, bot, language, role) -> None:
    words = SCRIPT[language]
    user = emulator.user(1001, first_name="Amal", language_code=language)

    await user.send("/start")
    greeting = await user.next_message()
    assert words["which_language"] in greeting.text
    assert buttons(greeting) == LANGUAGE_BUTTONS

    await user.press(words["button"])
    confirmed = await user.next_message()
    assert confirmed.text == words["confirmed"]
    assert user.message(greeting.message_id).buttons == []  # the choice cannot be made twice

    question = await user.next_message()
    assert question.text == words["role_question"]
    assert buttons(question) == [words["mentor"], words["mentee"]]

    await user.press(words[role])
    next_step = await user.next_message()
    assert next_step.text.startswith(words[f"{role}_next"])

    person = await stored(bot, 1001)
    assert (person.language, person.language_chosen, person.role) == (language, True, Role(role))


async def test_a_person_can_choose_another_language_than_telegrams(emulator, bot) -> None:
    user = emulator.user(1002, language_code="en")
    await user.send("/start")
    assert SCRIPT["en"]["which_language"] in (await user.next_message()).text
    await user.press("العربية")
    assert (await user.next_message()).text == SCRIPT["ar"]["confirmed"]
    assert (await user.next_message()).text == SCRIPT["ar"]["role_question"]
    assert (await stored(bot, 1002)).language == "ar"


async def test_an_unsupported_telegram_language_gets_the_default(emulator, bot) -> None:
    user = emulator.user(1003, language_code="de")
    await user.send("/start")
    assert SCRIPT["da"]["which_language"] in (await user.next_message()).text


async def test_language_command_switches_at_any_time(emulator, bot) -> None:
    user = await onboard(emulator, 1004, "da", "mentee")
    await user.send("/language")
    offer = await user.next_message()
    assert offer.text == SCRIPT["da"]["which_language"]
    await user.press("English", message=offer)
    assert (await user.next_message()).text == SCRIPT["en"]["confirmed"]
    about = await user.next_message()
    assert about.text.startswith("About mentoring (1 of 8)")  # the introduction, now in English
    await user.send("/start")
    assert (await user.next_message()).text == "Welcome back! Let us go on where you left off."
    assert (await stored(bot, 1004)).role is Role.MENTEE


async def test_after_a_restart_the_person_is_not_asked_again(emulator, bot) -> None:
    user = await onboard(emulator, 1005, "ar", "mentee")
    await bot.restart()
    await user.send("/start")
    welcome, about = await user.next_messages(2)
    assert welcome.text.startswith(SCRIPT["ar"]["welcome_back"])
    assert welcome.buttons == []
    assert about.button_texts == [translator("ar").gettext("Next ›")]  # no language or role


async def test_a_half_done_first_conversation_continues_after_a_restart(emulator, bot) -> None:
    user = emulator.user(1006, language_code="en")
    await user.send("/start")
    await user.next_message()
    await user.press("Dansk")
    await user.next_message()
    await user.next_message()
    await bot.restart()
    await user.send("/start")
    question = await user.next_message()
    assert question.text == SCRIPT["da"]["role_question"]


async def test_the_role_is_chosen_once(emulator, bot) -> None:
    user = await onboard(emulator, 1007, "en", "mentor")
    question = next(m for m in user.messages if m.text == SCRIPT["en"]["role_question"])
    await user.press_data(question.message_id, "role:1:mentee")
    answer = await user.next_message()
    assert answer.text.startswith("You have already chosen.")
    assert (await stored(bot, 1007)).role is Role.MENTOR


async def test_text_before_the_choices_repeats_the_question(emulator, bot) -> None:
    user = emulator.user(1008, language_code="en")
    await user.send("/start")
    await user.next_message()
    await user.send("hello?")
    again = await user.next_message()
    assert SCRIPT["en"]["which_language"] in again.text
    assert buttons(again) == LANGUAGE_BUTTONS


@pytest.mark.parametrize(
    ("language", "role_word"),
    [
        ("da", "frivillig"),
        ("en", "volunteer"),
        ("ar", "متطوع"),
        ("uk", "волонтер"),
        ("fa", "داوطلب"),
    ],
)
async def test_help_explains_the_bot_for_the_persons_role(
    emulator, bot, language, role_word
) -> None:
    user = await onboard(emulator, 1009, language, "mentee")
    await user.send("/help")
    text = (await user.next_message()).text
    assert role_word in text
    assert "/language" in text
    assert "/participants" not in text


async def test_the_command_menu_is_set_in_each_language(emulator, bot) -> None:
    expected = {
        "da": "Skift sprog",
        "en": "Change language",
        "ar": "تغيير اللغة",
        "uk": "Змінити мову",
        "fa": "تغییر زبان",
    }
    for language, description in expected.items():
        menu = emulator.my_commands(language_code=language)
        assert {"command": "language", "description": description} in menu
        assert "participants" not in {command["command"] for command in menu}
    default = emulator.my_commands()
    assert {"command": "language", "description": "Skift sprog"} in default


async def test_a_blocked_bot_marks_the_person_unreachable(emulator, bot) -> None:
    user = await onboard(emulator, 1010, "da", "mentee")
    user.block()
    await user.send("/help")
    await marked_unreachable(bot, 1010)
    coordinator = emulator.user(COORDINATOR_ID, language_code="en")
    await coordinator.send("/participants")
    overview = await coordinator.next_message()
    assert "Mentees: 1 (1 has blocked the bot)" in overview.text
