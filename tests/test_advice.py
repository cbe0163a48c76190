"""Questions of volunteers to caseworkers through the real bot: asking, taking, answering
with the question quoted, replies, "solved", and questions that wait too long."""

from __future__ import annotations

from datetime import timedelta

from bot.limits import MAX_ANSWER_LENGTH, MAX_QUESTION_LENGTH, MAX_TEXT_LENGTH
from domain.accounts import Role
from domain.appointments import SlotKind
from tests.appointments_setup import DRK, add_slot
from tests.conftest import Harness
from tests.fakes import Call
from tests.staffing import (
    CASEWORKER,
    COORDINATOR,
    OTHER_CASEWORKER,
    OTHER_COORDINATOR,
    audit,
    expired_alert,
    make_team,
    texts_to,
)
from tests.test_workshops import PHOTO

VOLUNTEER = 301
QUESTION = "How does the WBS work for a family of five?"
DAY = timedelta(hours=24, minutes=1)  # past the default QUESTION_ALERT_HOURS


async def ask(
    harness: Harness,
    carrier: str = "caritas",
    household: str | None = "Amina",
    question: str = QUESTION,
) -> None:
    await harness.send("/ask", user_id=VOLUNTEER)
    await harness.press(f"qc:1:{carrier}", user_id=VOLUNTEER)
    if household is None:
        await harness.press("qd:1:nohousehold", user_id=VOLUNTEER)
    else:
        await harness.send(household, user_id=VOLUNTEER)
    await harness.send(question, user_id=VOLUNTEER)
    await harness.press("qd:1:send", user_id=VOLUNTEER)


async def setup(harness: Harness) -> int:
    await make_team(harness)
    volunteer = await harness.add_user(VOLUNTEER, "en", Role.VOLUNTEER)
    return volunteer.id


async def delivered(harness: Harness, chat_id: int) -> list[Call]:
    """What the outbox sends to `chat_id` now."""
    start = len(harness.rec.calls)
    await harness.deliver()
    return [c for c in harness.rec.calls[start:] if c.params.get("chat_id") == chat_id]


async def answered(harness: Harness, answer: str = "Ask the Wohnungsamt for a WBS.") -> Call:
    """Caritas takes question 1 and answers it; the message the volunteer gets."""
    await harness.press("qs:take:1", user_id=CASEWORKER)
    await harness.press("qs:answer:1", user_id=CASEWORKER)
    await harness.send(answer, user_id=CASEWORKER)
    [message] = await delivered(harness, VOLUNTEER)
    return message


async def ticket(harness: Harness) -> tuple:
    [row] = await harness.rows("SELECT carrier_id, household, question, status FROM tickets")
    return row


async def test_a_volunteer_asks_and_gets_the_answer_with_the_question_quoted(harness: Harness):
    volunteer_id = await setup(harness)
    await harness.send("/ask", user_id=VOLUNTEER)
    assert harness.rec.last().callback_data == [
        "qc:1:caritas",
        "qc:1:drk",
        "qc:1:kfr",
        "qc:1:any",
        "qd:1:cancel",
        "qm:0",
        "mn:home",
    ]
    await harness.press("qc:1:caritas", user_id=VOLUNTEER)
    assert "only their first name" in harness.rec.last().text
    await harness.send("Amina", user_id=VOLUNTEER)
    await harness.send(QUESTION, user_id=VOLUNTEER)
    preview = harness.rec.last()
    assert QUESTION in preview.text and "Amina" in preview.text and "Caritas" in preview.text
    assert preview.callback_data[0] == "qd:1:send"
    await harness.press("qd:1:send", user_id=VOLUNTEER)
    assert "sent to the caseworkers of Caritas" in harness.rec.last().text
    assert await ticket(harness) == (1, "Amina", QUESTION, "open")

    await harness.send("/questions", user_id=CASEWORKER)
    assert "#1" in harness.rec.last().text and "qs:view:1" in harness.rec.last().callback_data
    await harness.press("qs:view:1", user_id=CASEWORKER)
    view = harness.rec.last()
    assert QUESTION in view.text and "Amina" in view.text and view.callback_data[0] == "qs:take:1"
    message = await answered(harness)
    assert "Sent to the volunteer" in texts_to(harness, CASEWORKER)[-1]
    assert "<b>Caritas answered your question:</b>" in message.text
    assert f"<blockquote>{QUESTION}</blockquote>" in message.text
    assert "Ask the Wohnungsamt for a WBS." in message.text
    assert message.callback_data == ["qv:reply:1", "qv:solved:1"]
    assert await ticket(harness) == (1, "Amina", QUESTION, "answered")
    logged = [row for row in await audit(harness) if row[2].startswith("question.")]
    assert logged == [
        (CASEWORKER, 1, "question.view", volunteer_id, "question=1"),
        (CASEWORKER, 1, "question.take", volunteer_id, "question=1"),
        (CASEWORKER, 1, "question.answer", volunteer_id, "question=1"),
    ]


async def test_other_carriers_do_not_see_it_and_a_second_taker_is_refused(harness: Harness):
    await setup(harness)
    await ask(harness)
    await harness.send("/questions", user_id=OTHER_CASEWORKER)
    assert "No open questions" in harness.rec.last().text
    await harness.press("qs:view:1", user_id=OTHER_CASEWORKER)
    assert expired_alert(harness)
    await harness.press("qs:take:1", user_id=CASEWORKER)
    assert "Only you can answer it now" in harness.rec.last().text
    await harness.press("qs:take:1", user_id=COORDINATOR)
    assert harness.rec.answers()[-1].params == {
        "callback_query_id": harness.rec.answers()[-1].params["callback_query_id"],
        "text": "Someone else took this question already.",
        "show_alert": True,
    }
    await harness.press("qs:answer:1", user_id=COORDINATOR)
    assert "Someone else took it." in harness.rec.last().text
    await harness.send("My answer", user_id=COORDINATOR)  # nothing asked for it
    assert await harness.rows("SELECT count(*) FROM ticket_messages") == [(0,)]
    taken_by = "SELECT s.telegram_id FROM tickets t JOIN users s ON s.id = t.taken_by"
    assert await harness.rows(taken_by) == [(CASEWORKER,)]


async def test_a_question_of_5000_characters_or_a_photo_loses_nothing(harness: Harness):
    await setup(harness)
    await harness.send("/ask", user_id=VOLUNTEER)
    await harness.press("qc:1:drk", user_id=VOLUNTEER)
    await harness.send("Amina", user_id=VOLUNTEER)
    await harness.send("x" * 5000, user_id=VOLUNTEER)
    answer = harness.rec.last().text
    assert "Your text has 5,000 characters, but at most 2,000 fit." in answer
    assert "Everything else you entered is kept" in answer
    await harness.send(user_id=VOLUNTEER, **PHOTO)
    assert "I can only read text" in harness.rec.last().text
    assert "Now write your question" in harness.rec.last().text  # the same step again
    assert await ticket(harness) == (2, "Amina", None, "draft")
    await harness.send(QUESTION, user_id=VOLUNTEER)
    assert harness.rec.last().callback_data[0] == "qd:1:send"


async def test_bad_names_and_the_way_back(harness: Harness):
    await setup(harness)
    await harness.send("/ask", user_id=VOLUNTEER)
    await harness.press("qc:1:any", user_id=VOLUNTEER)
    await harness.send("Amina (3 children)", user_id=VOLUNTEER)
    assert "only a first name" in harness.rec.last().text
    await harness.press("qd:1:nohousehold", user_id=VOLUNTEER)
    await harness.press("qd:1:back", user_id=VOLUNTEER)
    assert "only their first name" in harness.rec.last().text
    await harness.press("qd:1:back", user_id=VOLUNTEER)
    assert harness.rec.last().callback_data[0] == "qc:1:caritas"
    await harness.press("qd:1:send", user_id=VOLUNTEER)  # an old button: nothing to send yet
    assert expired_alert(harness)


async def test_the_draft_survives_a_restart_and_cancel_keeps_it(harness: Harness):
    await setup(harness)
    await harness.send("/ask", user_id=VOLUNTEER)
    await harness.press("qc:1:kfr", user_id=VOLUNTEER)
    await harness.restart()
    await harness.send("Amina", user_id=VOLUNTEER)
    await harness.send(QUESTION, user_id=VOLUNTEER)
    await harness.send("/cancel", user_id=VOLUNTEER)
    assert "kept as a draft" in harness.rec.last().text
    await harness.send("Hello?", user_id=VOLUNTEER)  # no question waits: the buttons
    assert "Please use the buttons" in harness.rec.last().text
    await harness.send("/ask", user_id=VOLUNTEER)
    assert QUESTION in harness.rec.last().text  # back at the preview
    await harness.send("A better question?", user_id=VOLUNTEER)
    await harness.press("qd:1:send", user_id=VOLUNTEER)
    assert await ticket(harness) == (3, "Amina", "A better question?", "open")


async def test_discarding_deletes_the_draft(harness: Harness):
    await setup(harness)
    await harness.send("/ask", user_id=VOLUNTEER)
    await harness.press("qd:1:cancel", user_id=VOLUNTEER)
    assert "deleted; nothing was sent" in harness.rec.last().text
    assert await harness.rows("SELECT * FROM tickets") == []


async def test_a_long_question_is_quoted_shortened_within_telegrams_limit(harness: Harness):
    await setup(harness)
    question = ("Wie & wo? " * 1000)[: MAX_QUESTION_LENGTH - 1000]  # & is sent as &amp;
    await ask(harness, question=question)
    message = await answered(harness, "A" * MAX_ANSWER_LENGTH)
    assert len(message.text) <= MAX_TEXT_LENGTH
    quote = message.text.split("<blockquote>")[1].split("</blockquote>")[0]
    assert quote.startswith("Wie &amp; wo? ") and quote.endswith("…")
    assert "A" * MAX_ANSWER_LENGTH in message.text  # the answer is never cut
    await harness.press("qs:view:1", user_id=CASEWORKER)  # the staff view fits too
    assert len(harness.rec.last().text) <= MAX_TEXT_LENGTH


async def test_too_long_answers_are_refused_and_the_prompt_stays(harness: Harness):
    await setup(harness)
    await ask(harness)
    await harness.press("qs:take:1", user_id=CASEWORKER)
    await harness.press("qs:answer:1", user_id=CASEWORKER)
    await harness.send("<" * (MAX_ANSWER_LENGTH // 4 + 1), user_id=CASEWORKER)
    assert "nothing was sent" in harness.rec.last().text
    await harness.send("Short.", user_id=CASEWORKER)
    assert "Sent to the volunteer" in harness.rec.last().text


async def test_the_volunteer_replies_and_marks_it_solved(harness: Harness):
    await setup(harness)
    await ask(harness)
    await answered(harness)
    await harness.press("qv:reply:1", user_id=VOLUNTEER, message_id=501)
    prompt = harness.rec.last()
    assert "Write your reply" in prompt.text and prompt.endpoint == "sendMessage"  # below
    await harness.send("And where is the Wohnungsamt?", user_id=VOLUNTEER)
    assert "Sent." in harness.rec.last().text
    [reply] = await delivered(harness, CASEWORKER)
    assert "And where is the Wohnungsamt?" in reply.text and reply.callback_data == ["qs:view:1"]
    await harness.press("qs:answer:1", user_id=CASEWORKER)
    await harness.send("Kalk, Ottmar-Pohl-Platz 1.", user_id=CASEWORKER)
    [second] = await delivered(harness, VOLUNTEER)
    assert "<blockquote>And where is the Wohnungsamt?</blockquote>" in second.text
    start = len(harness.rec.calls)
    await harness.press("qv:solved:1", user_id=VOLUNTEER, message_id=502)
    calls = [c for c in harness.rec.calls[start:] if c.endpoint != "answerCallbackQuery"]
    # The answer keeps its text; only its buttons go. The thanks come as a new message.
    assert [c.endpoint for c in calls] == ["editMessageReplyMarkup", "sendMessage"]
    assert calls[0].params["message_id"] == 502 and not calls[0].buttons
    assert "Glad it helped" in calls[1].text and calls[1].callback_data == ["qm:0", "mn:home"]
    assert (await ticket(harness))[3] == "solved"
    await harness.press("qv:reply:1", user_id=VOLUNTEER)  # closed now
    assert expired_alert(harness)
    # A stale button on another message: nothing again.
    await harness.press("qv:solved:1", user_id=VOLUNTEER, message_id=503)
    assert expired_alert(harness) and harness.rec.last().endpoint == "sendMessage"
    assert harness.rec.calls[-2].endpoint == "editMessageReplyMarkup"  # its buttons go too
    await harness.press("qv:solved:1", user_id=302)  # not theirs
    assert expired_alert(harness)


async def test_volunteers_find_their_questions_and_answers_under_ask(harness: Harness):
    await setup(harness)
    await harness.send("/ask", user_id=VOLUNTEER)
    assert "qm:0" in harness.rec.last().callback_data
    await harness.press("qm:0", user_id=VOLUNTEER)
    assert "You have not sent a question yet." in harness.rec.last().text
    await ask(harness)
    await answered(harness)
    await harness.press("qv:solved:1", user_id=VOLUNTEER)
    await harness.press("qm:0", user_id=VOLUNTEER)
    listing = harness.rec.last()
    asked = harness.tr("en").datetime(harness.clock(), "short")
    assert f"#1, asked {asked}: solved" in listing.text
    assert listing.callback_data == ["qv:show:1", "qa:start", "mn:home"]
    await harness.press("qv:show:1", user_id=VOLUNTEER)
    view = harness.rec.last()
    assert f"<blockquote>{QUESTION}</blockquote>" in view.text and "Amina" in view.text
    assert "<blockquote>Ask the Wohnungsamt for a WBS.</blockquote>" in view.text
    assert "State: solved" in view.text and view.callback_data == ["qm:0", "mn:home"]


async def test_an_open_question_offers_reply_and_solved_and_stays_private(harness: Harness):
    await setup(harness)
    await ask(harness)
    await harness.press("qv:show:1", user_id=VOLUNTEER)
    view = harness.rec.last()
    assert "State: waiting for a caseworker" in view.text
    assert view.callback_data == ["qv:reply:1", "qv:solved:1", "qm:0", "mn:home"]
    await harness.add_user(302, "en", Role.VOLUNTEER)
    await harness.press("qv:show:1", user_id=302)  # another volunteer's question
    assert expired_alert(harness)
    await harness.press("qm:0", user_id=CASEWORKER)  # staff have no "my questions"
    assert expired_alert(harness)
    await harness.send("/ask", user_id=302)  # 302's draft is #2: not a question to show
    await harness.press("qv:show:2", user_id=302)
    assert expired_alert(harness)


async def test_questions_nobody_takes_are_shown_to_all_staff_of_the_carrier(harness: Harness):
    await setup(harness)
    await ask(harness)
    await harness.restart()  # the alert is a row: it survives
    harness.clock.advance(DAY)
    start = len(harness.rec.calls)
    await harness.deliver()
    alerts = {c.params["chat_id"]: c for c in harness.rec.calls[start:]}
    assert set(alerts) == {CASEWORKER, COORDINATOR}
    assert "Question #1" in alerts[CASEWORKER].text
    assert alerts[COORDINATOR].callback_data == ["qs:view:1"]
    await harness.send("/questions", user_id=CASEWORKER)
    assert "⏰" in harness.rec.last().text


async def test_taking_a_question_in_time_stops_the_alert(harness: Harness):
    await setup(harness)
    await ask(harness)
    await harness.press("qs:take:1", user_id=CASEWORKER)
    harness.clock.advance(DAY)
    assert await delivered(harness, COORDINATOR) == []


async def test_a_question_to_every_carrier_reaches_every_carriers_staff(harness: Harness):
    await setup(harness)
    await ask(harness, carrier="any", household=None)
    assert (await ticket(harness))[:2] == (None, None)
    await harness.send("/questions", user_id=OTHER_CASEWORKER)
    assert "qs:view:1" in harness.rec.last().callback_data
    harness.clock.advance(DAY)
    start = len(harness.rec.calls)
    await harness.deliver()
    told = sorted(c.params["chat_id"] for c in harness.rec.calls[start:])
    assert told == sorted((CASEWORKER, COORDINATOR, OTHER_CASEWORKER, OTHER_COORDINATOR))
    await harness.press("qs:take:1", user_id=OTHER_CASEWORKER)
    await harness.press("qs:answer:1", user_id=OTHER_CASEWORKER)
    await harness.send("We can help.", user_id=OTHER_CASEWORKER)
    [answer] = await delivered(harness, VOLUNTEER)
    assert "DRK answered your question" in answer.text


async def test_staff_can_suggest_a_beratungsgespraech(harness: Harness):
    await setup(harness)
    caritas = await add_slot(harness, kind=SlotKind.BERATUNG)
    await add_slot(harness, caritas.starts_at + DAY, kind=SlotKind.BERATUNG, carrier_id=DRK)
    await ask(harness)
    await harness.press("qs:take:1", user_id=CASEWORKER)
    await harness.press("qs:book:1", user_id=CASEWORKER)
    assert "suggestion is sent" in harness.rec.last().text
    [message] = await delivered(harness, VOLUNTEER)
    assert "suggests a Beratungsgespräch" in message.text and QUESTION in message.text
    assert message.callback_data == ["bc:beratung:1", "qv:reply:1", "qv:solved:1"]
    await harness.press("bc:beratung:1", user_id=VOLUNTEER)  # the days of /book → Beratung
    days = harness.rec.last()
    assert days.text.startswith("Which day suits you?")
    assert [c for c in days.callback_data if c.startswith("bd:")] == [
        "bd:beratung:1:20261203"
    ]  # Caritas only: DRK's Beratung is on the next day
    await harness.press("qs:view:1", user_id=CASEWORKER)
    assert "a Beratungsgespräch was suggested" in harness.rec.last().text


async def test_only_volunteers_ask_and_drafts_are_their_own(harness: Harness):
    await setup(harness)
    await harness.add_user(111, "en", Role.SEEKER)
    await harness.send("/ask", user_id=111)
    assert "for volunteers" in harness.rec.last().text
    await harness.send("/ask", user_id=VOLUNTEER)
    await harness.add_user(302, "en", Role.VOLUNTEER)
    await harness.press("qc:1:caritas", user_id=302)
    assert expired_alert(harness)
    await harness.press("qc:1:nosuchcarrier", user_id=VOLUNTEER)
    assert expired_alert(harness)
    await harness.press("qs:view:1", user_id=CASEWORKER)  # a draft is nobody else's business
    assert expired_alert(harness)


async def test_deleting_my_data_deletes_my_questions(harness: Harness):
    await setup(harness)
    await ask(harness)
    await harness.press("dl:yes", user_id=VOLUNTEER)
    assert await harness.rows("SELECT * FROM tickets") == []
    await harness.press("qs:take:1", user_id=CASEWORKER)
    assert expired_alert(harness)
