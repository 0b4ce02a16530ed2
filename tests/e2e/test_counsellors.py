"""A migrant and a counsellor through the fake Bot API: escalation, relay, tools, privacy."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from fakegram import FakeTelegram

from .harness import Person
from .inprocess import GROUP_ID, running

MIGRANT = {"user_id": 5001, "first_name": "Dilnoza", "username": "dilnoza_97"}


class Counsellor:
    def __init__(self, tg: FakeTelegram, user_id: int = 900, name: str = "Aigul"):
        self.tg = tg
        self.user = tg.user(user_id, first_name=name)
        tg.set_member(GROUP_ID, self.user, "member")

    def write(self, thread: int, message: str) -> dict[str, Any]:
        entities = [{"type": "bot_command", "offset": 0, "length": len(message.split()[0])}] \
            if message.startswith("/") else None
        return self.tg.push_message(self.user, message, chat=self.tg.chats[GROUP_ID], message_thread_id=thread,
                                    entities=entities)

    def press(self, message: dict[str, Any], label: str) -> dict[str, Any]:
        button = self.tg.find_button(self.tg.message(GROUP_ID, message["message_id"]) or message, label)
        return self.tg.press_button(self.user, message, button["callback_data"])


def group_messages(tg: FakeTelegram, thread: int | None = None) -> list[dict[str, Any]]:
    return [m for m in tg.bot_messages(GROUP_ID) if thread is None or m.get("message_thread_id") == thread]


async def to_handoff(person: Person) -> None:
    await person.onboard()
    person.press("No")
    await person.expect("Who is asking?")
    person.press("I work or live in Kazakhstan")
    await person.expect("What is your question about?")
    for label, expected in (("Work permit", "Which country"), ("Uzbekistan", "Who do you work for"),
                            ("A family", "Do you already have"), ("Yes", "name the city or region"),
                            ("No, I work somewhere else", "Connect you with a counsellor?")):
        person.press(label)
        await person.expect(expected)


async def open_case(tg: FakeTelegram, person: Person) -> tuple[str, int]:
    await to_handoff(person)
    person.press("Yes, connect me")
    ack = await person.expect("Your case number is")
    code = re.search(r"case number is ([A-Z0-9]{6})", ack["text"]).group(1)  # type: ignore[union-attr]
    await tg.wait_for(lambda: any(code in t.name for t in tg.topics.values()), 10, what="the case topic")
    topic = next(t for t in tg.topics.values() if code in t.name)
    await tg.wait_for(lambda: any("Answers:" in m.get("text", "") for m in group_messages(tg, topic.thread_id)), 10,
                      what="the case summary")
    return code, topic.thread_id


@pytest.fixture
def group(tg: FakeTelegram) -> dict[str, Any]:
    return tg.supergroup(GROUP_ID, "Jol counsellors", is_forum=True)


async def test_a_case_from_escalation_to_forget(tg: FakeTelegram, tmp_path: Path, group: dict[str, Any]) -> None:
    counsellor = Counsellor(tg)
    async with running(tg, tmp_path) as app:
        person = Person(tg, **MIGRANT)
        code, thread = await open_case(tg, person)
        summary = next(m for m in group_messages(tg, thread) if "Answers:" in m.get("text", ""))
        assert "citizenship=uz" in summary["text"] and "permit_wrong_region" in summary["text"]

        # the migrant writes, with a photo: both are copied into the topic
        person.send("My employer says the permit is fine")
        tg.push_message(person.user, photo=True, caption="my contract")
        await tg.wait_for(lambda: len([c for c in tg.calls("copyMessage") if c.ok]) >= 2, 10, what="two copies")
        copies = [m for m in group_messages(tg, thread) if m.get("text") == "My employer says the permit is fine"
                  or m.get("caption") == "my contract"]
        assert len(copies) == 2 and all("forward_origin" not in m for m in copies)

        # claim with the button: the title shows who handles it, inside the group
        counsellor.press(summary, "Take this case")
        await tg.wait_for(lambda: "claimed by Aigul" in tg.topics[(GROUP_ID, thread)].name, 10, what="claimed title")

        # the counsellor answers (text and photo); a note stays in the group
        counsellor.write(thread, "Hello! Which city are you in?")
        tg.push_message(counsellor.user, photo=True, chat=tg.chats[GROUP_ID], message_thread_id=thread,
                        caption="the form")
        counsellor.write(thread, "/note she sounds worried")
        counsellor.write(thread, "// ask about the contract")
        await person.expect("Which city are you in?")
        await tg.wait_for(lambda: any(m.get("caption") == "the form" for m in tg.bot_messages(person.chat_id)), 10,
                          what="the photo copy")
        assert not any("worried" in m.get("text", "") or "ask about" in m.get("text", "")
                       for m in tg.bot_messages(person.chat_id))

        # a ready answer, in the migrant's language
        counsellor.press(summary, "Ready answers")
        await tg.wait_for(lambda: any("Choose a ready answer" in m.get("text", "") for m in group_messages(tg)), 10,
                          what="the ready-answer menu")
        menu = next(m for m in group_messages(tg) if "Choose a ready answer" in m.get("text", ""))
        counsellor.press(menu, "Greeting")
        await person.expect("Hello, I am a counsellor")

        # close: the migrant rates; reopen: the migrant is told
        counsellor.press(summary, "Close")
        await person.expect("is closed. How much did the counsellor help you?")
        person.press("⭐⭐⭐⭐")
        await tg.wait_for(lambda: any("4 of 5" in m.get("text", "") for m in group_messages(tg, thread)), 10,
                          what="the rating note")
        assert tg.topics[(GROUP_ID, thread)].closed
        counsellor.write(thread, "/reopen")
        await person.expect("is open again")
        await tg.wait_for(lambda: not tg.topics[(GROUP_ID, thread)].closed, 10, what="the topic reopened")

        # first response and rating are recorded, with no content
        async with app.runtime.db_engine.connect() as conn:
            row = (await conn.execute(text("select first_response_at, rating from cases"))).one()
        assert row[0] is not None and row[1] == 4

        # /forget: the case is closed, copies deleted, personal fields erased
        person.send("/forget")
        await person.expect("Erase everything")
        person.press("Yes, erase")
        await person.expect("conversation with the counsellor was closed and erased")
        await tg.wait_for(lambda: len([c for c in tg.calls("deleteMessage") if c.ok]) >= 4, 10, what="deletions")
        async with app.runtime.db_engine.connect() as conn:
            case = (await conn.execute(text("select chat_sealed, user_key, summary, status from cases"))).one()
            relayed = (await conn.execute(text("select count(*) from case_messages"))).scalar_one()
        assert tuple(case) == (None, None, None, "closed") and relayed == 0

    # nothing in the counsellors' chat names the migrant
    shown = [str(m.get("text", "")) + str(m.get("caption", "")) for m in tg.sent if m["chat"]["id"] == GROUP_ID]
    shown += [t.name for t in tg.topics.values()]
    for secret in ("Dilnoza", "dilnoza_97", "5001"):
        assert not any(secret in s for s in shown), secret
    assert not tg.calls("forwardMessage")


async def test_out_of_hours_and_urgent_cases(tg: FakeTelegram, tmp_path: Path, group: dict[str, Any]) -> None:
    async with running(tg, tmp_path, working_hours="00:00-00:01", working_days="mon"):
        person = Person(tg, user_id=5002)
        await person.onboard()
        person.press("Yes, I need help now")  # danger: an urgent handoff
        await person.expect("Connect you with a counsellor?")
        person.press("Yes, connect me")
        ack = await person.expect("marked urgent")
        assert "112" in ack["text"]
        await tg.wait_for(lambda: any("Urgent case" in m.get("text", "") and not m.get("message_thread_id")
                                      for m in group_messages(tg)), 10, what="the urgent announcement")
        assert any(t.name.startswith("‼️") for t in tg.topics.values())

        other = Person(tg, user_id=5003)
        await to_handoff(other)
        other.press("Yes, connect me")
        ack = await other.expect("Counsellors work 00:00–00:01")
        assert "Emergency numbers" in ack["text"]


async def test_outsiders_cannot_act_on_cases(tg: FakeTelegram, tmp_path: Path, group: dict[str, Any]) -> None:
    async with running(tg, tmp_path):
        person = Person(tg, user_id=5004)
        code, thread = await open_case(tg, person)
        outsider = tg.user(666, first_name="Stranger")
        tg.set_member(GROUP_ID, outsider, "left")
        tg.push_message(outsider, "I am not a counsellor", chat=tg.chats[GROUP_ID], message_thread_id=thread)
        summary = next(m for m in group_messages(tg, thread) if "Answers:" in m.get("text", ""))
        tg.press_button(outsider, summary, tg.find_button(summary, "Close")["callback_data"])
        anonymous = tg.push_update({"message": {
            "message_id": 9999, "date": 1764150000, "chat": tg.chats[GROUP_ID], "message_thread_id": thread,
            "is_topic_message": True, "from": {"id": 1087968824, "is_bot": True, "first_name": "Group"},
            "sender_chat": tg.chats[GROUP_ID], "text": "hidden admin"}})
        await tg.wait_for(lambda: any("Only members of the counsellors" in m.get("text", "")
                                      for m in group_messages(tg, thread)), 10, what="the refusal")
        await tg.wait_for(lambda: anonymous["update_id"] in tg.confirmed_ids, 10, what="updates taken")
        assert not any("not a counsellor" in m.get("text", "") or "hidden admin" in m.get("text", "")
                       for m in tg.bot_messages(person.chat_id))
        assert not tg.topics[(GROUP_ID, thread)].closed


async def test_a_blocked_bot_and_a_deleted_topic(tg: FakeTelegram, tmp_path: Path, group: dict[str, Any]) -> None:
    counsellor = Counsellor(tg)
    async with running(tg, tmp_path):
        person = Person(tg, user_id=5005)
        code, thread = await open_case(tg, person)
        # the counsellors' topic is deleted by mistake: the next message makes a new one
        tg.topics[(GROUP_ID, thread)].deleted = True
        person.send("are you there?")
        await tg.wait_for(lambda: sum(code in t.name and not t.deleted for t in tg.topics.values()) == 1, 10,
                          what="a new topic")
        new_thread = next(t.thread_id for t in tg.topics.values() if code in t.name and not t.deleted)
        await tg.wait_for(lambda: any(m.get("text") == "are you there?" for m in group_messages(tg, new_thread)),
                          10, what="the message in the new topic")
        # the migrant blocks the bot: the counsellor is told
        tg.block(person.user, notify=False)
        counsellor.write(new_thread, "Hello?")
        await tg.wait_for(lambda: any("blocked the bot" in m.get("text", "")
                                      for m in group_messages(tg, new_thread)), 10, what="the unreachable note")
