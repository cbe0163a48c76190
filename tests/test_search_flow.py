"""The housing search through the real Application: register, come back, change, withdraw."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.searches import find_search, list_searches_for_carrier
from tests.conftest import Harness, euro

DOCUMENT_STEPS = ("residence", "wohnsitz", "schufa", "rentdebt", "income", "deposit")
PHOTO = {"photo": [{"file_id": "p", "file_unique_id": "p1", "width": 90, "height": 90}]}
STICKER = {
    "sticker": {
        "file_id": "s", "file_unique_id": "s1", "type": "regular", "width": 512,
        "height": 512, "is_animated": False, "is_video": False,
    }
}  # fmt: skip


async def _seeker(h: Harness, lang: str = "en", user_id: int = 111) -> None:
    await h.send("/start", lang=lang, user_id=user_id)
    await h.press(f"cs:yes:seeker:{lang}", lang=lang, user_id=user_id)


async def _household(h: Harness, adults: int = 1, children: int = 0, lang: str = "en") -> None:
    """A new seeker opens the search and answers the household questions with buttons."""
    await _seeker(h, lang)
    await h.press("mn:mysearch", lang=lang)
    await h.press(f"hs:1:adults:{adults}", lang=lang)
    await h.press(f"hs:1:children:{children}", lang=lang)


async def _search_row(h: Harness, columns: str = "status, step, asking") -> tuple:
    rows = await h.rows(f"SELECT {columns} FROM searches")  # noqa: S608 - test only
    assert len(rows) == 1
    return rows[0]


async def _register(h: Harness, carrier: str = "caritas", share: str = "yes") -> None:
    """A new seeker answers every question, by buttons and by typing, up to the summary."""
    await _seeker(h)
    await h.press("mn:mysearch")
    await h.send("2")
    await h.press("hs:1:children:1")
    await h.press("hs:1:area:d8")
    await h.send("Deutz")
    await h.press("hs:1:area:done")
    await h.send("850")
    await h.press("hs:1:wbs:has")
    await h.press("hs:1:movein:asap")
    await h.press("hs:1:stepfree:yes")
    await h.press(f"hs:1:carrier:{carrier}")
    if carrier != "unknown":
        await h.press(f"hs:1:share:{share}")
    for document in DOCUMENT_STEPS:
        await h.press(f"hs:1:doc_{document}:{'no' if document == 'schufa' else 'yes'}")


async def test_a_household_registers_its_search_and_caritas_may_see_it(harness: Harness):
    await _register(harness)
    summary = harness.rec.last()
    assert "2 adults, 1 child" in summary.text
    assert "Innenstadt (only Deutz) and Kalk" in summary.text
    assert euro(850) in summary.text and "above the usual limit" not in summary.text
    assert "✗ SCHUFA-Auskunft" in summary.text and "✓ Kautionsübernahme" in summary.text
    assert "Caritas may see your search." in summary.text
    assert summary.callback_data[0] == "hs:1:summary:confirm"
    await harness.press("hs:1:summary:confirm")
    assert "registered" in harness.rec.last().text
    assert await _search_row(
        harness,
        "status, adults, children, anywhere, max_rent_cents, wbs, move_in, step_free, carrier,"
        " confirmed_at",
    ) == (
        "active", 2, 1, 0, 85000, "has", "2026-11-25", 1, "caritas", "2026-11-25T11:00:00+00:00"
    )  # fmt: skip
    assert await harness.rows("SELECT kind, name FROM search_places ORDER BY name") == [
        ("quarter", "Deutz"),
        ("district", "Innenstadt"),
        ("district", "Kalk"),
    ]
    assert await harness.rows("SELECT held FROM search_documents WHERE document = 'schufa'") == [
        (0,)
    ]
    visible = await list_searches_for_carrier(harness.db, 1)  # Caritas
    assert [s.user_id for s in visible] == [1]
    assert await list_searches_for_carrier(harness.db, 2) == []  # DRK


@pytest.mark.parametrize(("carrier", "share"), [("unknown", None), ("drk", "no")])
async def test_no_carrier_sees_a_search_without_consent(harness: Harness, carrier, share):
    await _register(harness, carrier, share or "")
    await harness.press("hs:1:summary:confirm")
    assert await harness.rows("SELECT * FROM carrier_consents") == []
    for carrier_id in (1, 2, 3):
        assert await list_searches_for_carrier(harness.db, carrier_id) == []


async def test_drafts_are_not_visible_to_the_carrier_even_with_consent(harness: Harness):
    await _register(harness)
    assert await list_searches_for_carrier(harness.db, 1) == []


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("abc", "Please write a whole number"),
        ("0", "from 1 to 20"),
        ("40", "For a larger household, please talk to your carrier."),
        ("2,5", "Please write a whole number"),
    ],
)
async def test_a_household_of_nonsense_size_is_explained_and_asked_again(
    harness: Harness, typed, expected
):
    await _seeker(harness)
    await harness.press("mn:mysearch")
    await harness.send(typed)
    reply = harness.rec.last()
    assert expected in reply.text
    assert "How many adults" in reply.text and "hs:1:adults:1" in reply.callback_data
    assert await _search_row(harness, "adults, step") == (None, "adults")


async def test_photos_and_stickers_get_an_answer_and_lose_nothing(harness: Harness):
    await _seeker(harness)
    await harness.press("mn:mysearch")
    await harness.send("3")
    for content in (PHOTO, STICKER):
        await harness.send(**content)
        reply = harness.rec.last()
        assert "I can only read text and buttons" in reply.text
        assert "How many children" in reply.text
    assert await _search_row(harness, "adults, step") == (3, "children")


@pytest.mark.parametrize(
    ("typed", "expected", "saved"),
    [
        ("abc", "I could not read an amount", None),
        ("-5", "more than zero", None),
        ("50000", "Please check the amount", None),
        ("1.200,50 €", f"above the usual limit of {euro(939)}", 120050),
        ("١٢٠٠", "above the usual limit", 120000),
        ("900", "WBS", 90000),
    ],
)
async def test_rent_answers(harness: Harness, typed, expected, saved):
    await _household(harness, 2, 1)
    await harness.press("hs:1:area:any")
    question = harness.rec.last().text
    assert "For a household of 3 persons" in question and euro(939) in question
    await harness.send(typed)
    assert expected in harness.rec.last().text
    assert await _search_row(harness, "max_rent_cents") == (saved,)


async def test_the_limit_button_takes_the_limit_in_force_today(harness: Harness):
    await harness.send("/start", user_id=900)
    await harness.send("/rentlimits 2027-01-01 677 820 976 1139 1302 +163", user_id=900)
    await _household(harness, 1, 0)
    await harness.press("hs:1:area:any")
    assert "hs:1:rent:limit" in harness.rec.last().callback_data
    assert euro(651) in harness.rec.last().text
    harness.clock.advance(timedelta(days=40))  # now 2027
    await harness.press("hs:1:rent:ask")
    assert euro(677) in harness.rec.last().text
    await harness.press("hs:1:rent:limit")
    assert await _search_row(harness, "max_rent_cents, step") == (67700, "wbs")


async def test_text_where_a_button_is_expected_asks_the_same_question_again(harness: Harness):
    await _household(harness, 1, 0)
    await harness.press("hs:1:area:any")
    await harness.send("700")
    await harness.send("yes I have")
    reply = harness.rec.last()
    assert "Please answer with one of the buttons." in reply.text
    assert reply.callback_data[:3] == ["hs:1:wbs:has", "hs:1:wbs:applied", "hs:1:wbs:no"]
    assert await _search_row(harness, "wbs, step") == (None, "wbs")


async def test_places_are_typed_checked_and_shown_in_german(harness: Harness):
    await _household(harness, 1, 0, lang="ar")
    await harness.press("hs:1:area:done", lang="ar")
    assert await _search_row(harness, "step") == ("area",)  # nothing chosen yet
    await harness.send("Muelheim, Atlantis", lang="ar")
    reply = harness.rec.last()
    assert "Atlantis" in reply.text and "\u2068Mülheim\u2069" in reply.text
    assert "☑ Mülheim" in [b["text"] for b in reply.buttons]
    await harness.send("Koeln", lang="ar")  # the whole city: on to the rent
    assert "hs:1:rent:limit" in harness.rec.last().callback_data
    assert "651" in harness.rec.last().text
    assert await _search_row(harness, "anywhere") == (1,)


async def test_choosing_quarters_narrows_a_district(harness: Harness):
    await _household(harness, 1, 0)
    await harness.press("hs:1:area:d7")
    await harness.press("hs:1:area:quarters")
    assert "hs:1:quarters:q714" in harness.rec.last().callback_data  # Zündorf
    assert "hs:1:quarters:q105" not in harness.rec.last().callback_data  # Deutz: not Porz
    await harness.press("hs:1:quarters:q714")
    await harness.press("hs:1:quarters:q105")  # not offered: expired
    assert harness.rec.answers()[-1].params["text"] == "This button has expired."
    await harness.press("hs:1:quarters:back")
    assert "Porz (only Zündorf)" in harness.rec.last().text
    await harness.press("hs:1:area:done")
    assert await harness.rows("SELECT kind, name FROM search_places ORDER BY kind") == [
        ("district", "Porz"),
        ("quarter", "Zündorf"),
    ]


async def test_the_chat_survives_a_restart_of_the_bot(harness: Harness):
    await _seeker(harness)
    await harness.press("mn:mysearch")
    await harness.send("2")
    await harness.restart()
    await harness.send("3")  # the children: the question from before the restart
    assert await _search_row(harness, "adults, children, step") == (2, 3, "area")
    assert "Where would you like to live" in harness.rec.last().text


async def test_cancel_keeps_the_answers_and_coming_back_later_continues(harness: Harness):
    await _seeker(harness)
    await harness.press("mn:mysearch")
    await harness.send("2")
    await harness.send("/cancel")
    assert "Everything you entered is saved" in harness.rec.last().text
    assert await _search_row(harness, "adults, step, asking") == (2, "children", 0)
    await harness.send("4")  # no open question now: the general answer
    assert "Please use the buttons." in harness.rec.last().text
    assert await _search_row(harness, "children") == (None,)
    harness.clock.advance(timedelta(days=5))
    await harness.send("/mysearch")
    resume = harness.rec.last()
    assert "answered 0 of 8 parts" in resume.text and "November 25, 2026" in resume.text
    assert resume.callback_data[:2] == ["hs:1:children:ask", "hs:1:children:restart"]
    await harness.press("hs:1:children:ask")
    assert "How many children" in harness.rec.last().text
    await harness.send("1")
    assert await _search_row(harness, "children, step, asking") == (1, "area", 1)


async def test_the_cancel_button_and_starting_over(harness: Harness):
    await _register(harness)
    await harness.press("hs:1:summary:area")
    await harness.press("hs:1:area:cancel")
    assert "mn:mysearch" in harness.rec.last().callback_data
    await harness.press("mn:mysearch")
    assert "answered 8 of 8 parts" in harness.rec.last().text
    await harness.press("hs:1:area:restart")
    assert "How many adults" in harness.rec.last().text
    assert await _search_row(harness, "status, adults, carrier, step") == (
        "draft", None, None, "adults"
    )  # fmt: skip
    assert await harness.rows("SELECT * FROM search_places") == []
    assert await harness.rows("SELECT * FROM carrier_consents") == []  # Caritas no longer


async def test_buttons_of_old_messages_have_expired(harness: Harness):
    await _seeker(harness)
    await _seeker(harness, user_id=222)
    await harness.press("mn:mysearch")
    await harness.press("hs:1:adults:2")
    await harness.press("hs:1:adults:5")  # the question was answered: the step moved on
    await harness.press("hs:1:children:1", user_id=222)  # someone else's search
    await harness.press("hs:99:children:1")  # no such search
    await harness.press("hs:1:children:1x")  # not a valid answer
    assert [a.params.get("text") for a in harness.rec.answers()[-4:]] == [
        "This button has expired."
    ] * 4
    assert await _search_row(harness, "adults, children, step") == (2, None, "children")


async def test_help_and_back(harness: Harness):
    await _seeker(harness)
    await harness.press("mn:mysearch")
    await harness.press("hs:1:adults:2")
    await harness.press("hs:1:children:help")
    help_screen = harness.rec.last()
    assert "Adults are 18 or older" in help_screen.text and "social workers" in help_screen.text
    assert help_screen.callback_data == ["hs:1:children:ask", "hs:1:children:cancel"]
    await harness.press("hs:1:children:back")
    assert "How many adults" in harness.rec.last().text
    assert await _search_row(harness, "adults, step") == (2, "adults")


async def test_mysearch_changes_pauses_resumes_and_withdraws(harness: Harness):
    await _register(harness)
    await harness.press("hs:1:summary:confirm")
    await harness.send("/mysearch")
    assert "Your housing search is active" in harness.rec.last().text
    await harness.press("hs:1:summary:rent")
    assert "hs:1:rent:back" in harness.rec.last().callback_data  # back to the summary
    await harness.send("1000")
    changed = harness.rec.last()
    assert changed.text.startswith(f"This is above the usual limit of {euro(939)}")
    assert euro(1000) in changed.text and "hs:1:summary:pause" in changed.callback_data
    await harness.press("hs:1:summary:pause")
    assert await _search_row(harness, "status, max_rent_cents") == ("paused", 100000)
    assert "hs:1:summary:resume" in harness.rec.last().callback_data
    await harness.press("hs:1:summary:resume")
    assert await _search_row(harness, "status") == ("active",)
    await harness.press("hs:1:summary:withdraw")
    await harness.press("hs:1:withdraw:back")
    assert await _search_row(harness, "status") == ("active",)
    await harness.press("hs:1:summary:withdraw")
    await harness.press("hs:1:withdraw:yes")
    assert await _search_row(harness, "status") == ("withdrawn",)
    assert await list_searches_for_carrier(harness.db, 1) == []
    assert harness.rec.last().callback_data[0] == "hs:1:summary:new"
    await harness.press("hs:1:summary:pause")  # an old button: nothing happens
    assert harness.rec.answers()[-1].params["text"] == "This button has expired."
    await harness.press("hs:1:summary:new")
    assert "How many adults" in harness.rec.last().text
    assert await _search_row(harness) == ("draft", "adults", 1)


async def test_changing_the_carrier_moves_the_consent(harness: Harness):
    await _register(harness)
    await harness.press("hs:1:summary:confirm")
    await harness.send("/mysearch")
    await harness.press("hs:1:summary:carrier")
    await harness.press("hs:1:carrier:drk")
    assert "May the staff of DRK see" in harness.rec.last().text
    await harness.press("hs:1:share:yes")
    assert await harness.rows("SELECT carrier_id FROM carrier_consents") == [(2,)]
    assert "DRK may see your search." in harness.rec.last().text
    assert await list_searches_for_carrier(harness.db, 1) == []
    assert len(await list_searches_for_carrier(harness.db, 2)) == 1


async def test_changing_the_household_asks_both_numbers_and_rechecks_the_rent(
    harness: Harness,
):
    await _register(harness)
    await harness.press("hs:1:summary:household")
    await harness.press("hs:1:adults:1")
    await harness.press("hs:1:children:0")  # 1 person: 850 € is above 651 €
    summary = harness.rec.last().text
    assert "1 adult, 0 children" in summary and f"above the usual limit of {euro(651)}" in summary
    search = await find_search(harness.db, 1)
    assert search is not None and search.persons == 1


async def test_only_seekers_have_a_housing_search(harness: Harness):
    await _seeker(harness, user_id=222)
    assert harness.rec.last().callback_data[0] == "mn:mysearch"
    await harness.send("/start")
    await harness.press("cs:yes:volunteer:en")
    assert "mn:mysearch" not in harness.rec.last().callback_data
    await harness.send("/mysearch")
    assert "for households who are looking for a flat" in harness.rec.last().text
    assert await harness.rows("SELECT * FROM searches") == []


async def test_cancel_without_an_open_question(harness: Harness):
    await _seeker(harness)
    await harness.send("/cancel")
    assert "There is nothing to cancel." in harness.rec.last().text


async def test_the_move_in_date_can_be_typed(harness: Harness):
    await _seeker(harness)
    await harness.press("mn:mysearch")
    for data in ("hs:1:adults:1", "hs:1:children:0", "hs:1:area:any", "hs:1:rent:limit"):
        await harness.press(data)
    await harness.press("hs:1:wbs:no")
    await harness.send("1.1.2020")
    assert "That date has passed" in harness.rec.last().text
    await harness.send("15.03.2027")
    assert await _search_row(harness, "move_in, step") == ("2027-03-15", "stepfree")


async def test_deleting_my_data_deletes_the_search(harness: Harness):
    await _register(harness)
    await harness.send("/delete")
    await harness.press("dl:yes")
    for table in ("searches", "search_places", "search_documents", "carrier_consents"):
        assert await harness.rows(f"SELECT * FROM {table}") == []  # noqa: S608 - test only
