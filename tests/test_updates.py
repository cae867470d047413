"""The update processor: one chat's updates in turn, other chats' meanwhile."""

from __future__ import annotations

import asyncio
from datetime import datetime

from telegram import Chat, Message, Update, User

from bot.updates import PerChatOrder


def update_in(chat_id: int, update_id: int) -> Update:
    user = User(id=chat_id, first_name="P", is_bot=False)
    message = Message(
        message_id=update_id,
        date=datetime(2026, 1, 1),
        chat=Chat(id=chat_id, type="private"),
        from_user=user,
        text="hi",
    )
    return Update(update_id=update_id, message=message)


async def test_one_chats_updates_wait_for_each_other_and_others_do_not() -> None:
    processor = PerChatOrder()
    log: list[str] = []
    first_may_finish = asyncio.Event()

    async def handle(name: str, wait: asyncio.Event | None = None) -> None:
        log.append(f"{name} start")
        if wait is not None:
            await wait.wait()
        log.append(f"{name} end")

    tasks = [
        asyncio.create_task(
            processor.process_update(update_in(1, 1), handle("a1", first_may_finish))
        ),
        asyncio.create_task(processor.process_update(update_in(1, 2), handle("a2"))),
        asyncio.create_task(processor.process_update(update_in(2, 3), handle("b1"))),
    ]
    await asyncio.sleep(0.01)
    # b1 ran to the end while a1 waits; a2 has not started, as it must come after a1.
    assert log == ["a1 start", "b1 start", "b1 end"]
    first_may_finish.set()
    await asyncio.gather(*tasks)
    assert log[3:] == ["a1 end", "a2 start", "a2 end"]
    assert processor._turns == {}  # nothing kept for chats with no update in flight
