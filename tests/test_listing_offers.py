"""Households answer flat offers; staff see the shortlist, propose, and close the listing."""

from __future__ import annotations

from datetime import timedelta

from domain.searches import SearchStatus
from tests.conftest import Harness, euro
from tests.listing_setup import household, publish, team_and_households
from tests.staffing import CASEWORKER, audit, expired_alert, texts_to

UK, AR = 201, 202


async def interested(harness: Harness, user_id: int, lang: str, listing_id: int = 1) -> None:
    await harness.press(f"li:{listing_id}:yes", user_id=user_id, lang=lang)


async def test_an_interested_household_is_noted_and_can_change_its_mind(harness: Harness):
    ukrainian, _ = await team_and_households(harness)
    await publish(harness)
    await interested(harness, UK, "uk")
    reply = harness.rec.last()
    assert "Deutz" in reply.text and "Balkon, 2. OG" in reply.text  # the offer stays shown
    assert reply.callback_data[:2] == ["li:1:yes", "li:1:no"]
    assert reply.buttons[0]["text"].startswith("✅")
    await interested(harness, UK, "uk")  # twice: the time of the first answer stays
    first = await harness.rows(
        "SELECT answer, answered_at FROM listing_recipients WHERE user_id = ?", ukrainian.id
    )
    harness.clock.advance(timedelta(minutes=5))
    await interested(harness, UK, "uk")
    assert (
        await harness.rows(
            "SELECT answer, answered_at FROM listing_recipients WHERE user_id = ?", ukrainian.id
        )
        == first
    )
    await harness.press("li:1:no", user_id=UK, lang="uk")
    assert await harness.rows(
        "SELECT answer FROM listing_recipients WHERE user_id = ?", ukrainian.id
    ) == [("declined",)]


async def test_without_an_active_search_interest_is_explained_and_not_stored(harness: Harness):
    ukrainian, _ = await team_and_households(harness)
    await publish(harness)
    async with harness.db.transaction() as db:
        await db.conn.execute(
            "UPDATE searches SET status = ? WHERE user_id = ?",
            (SearchStatus.PAUSED.value, ukrainian.id),
        )
    harness.rec.clear()
    await interested(harness, UK, "en")
    reply = harness.rec.last()
    assert reply.endpoint == "sendMessage"  # below the offer, which stays as it was
    assert reply.text == harness.t(
        "uk",
        "To say you are interested in a flat, you need an active housing search. Register it, "
        "or resume it if you paused it, in “My housing search”.",
    )
    assert reply.callback_data == ["mn:mysearch", "mn:home"]
    assert await harness.rows(
        "SELECT answer FROM listing_recipients WHERE user_id = ?", ukrainian.id
    ) == [(None,)]


async def test_buttons_of_an_offer_work_only_for_the_households_it_went_to(harness: Harness):
    await team_and_households(harness)
    await publish(harness)
    outsider = await household(harness, 209, "en", max_rent=100)  # the flat did not fit
    for data in ("li:1:yes", "lv:1", "ps:1", "lp:1"):
        await harness.press(data, user_id=209)
        assert expired_alert(harness)
    assert (
        await harness.rows("SELECT * FROM listing_recipients WHERE user_id = ?", outsider.id) == []
    )


async def test_the_shortlist_shows_consenting_households_in_the_order_of_interest(
    harness: Harness,
):
    ukrainian, arabic = await team_and_households(harness)
    hidden = await household(harness, 203, "fa", shared=False)
    await publish(harness)
    await interested(harness, AR, "ar")
    harness.clock.advance(timedelta(minutes=1))
    await interested(harness, UK, "uk")
    await interested(harness, 203, "fa")
    assert (
        "Share my case with" in harness.rec.last().text
        or "ps:1" in harness.rec.last().callback_data
    )
    await harness.press("lq:1:0", user_id=CASEWORKER)
    shortlist = harness.rec.last().text
    assert shortlist.index(arabic.case_number) < shortlist.index(ukrainian.case_number)
    assert hidden.case_number not in shortlist
    assert f"3 persons, up to {euro(900)} a month, WBS: has one" in shortlist
    assert "Missing documents: SCHUFA-Auskunft" in shortlist
    assert "1 more household is interested, but your carrier may not see its case." in shortlist
    assert str(UK) not in shortlist and "Olena" not in shortlist  # no Telegram ids, no names
    views = [row for row in await audit(harness) if row[2] == "shortlist.view"]
    assert [(row[3], row[4]) for row in views] == [
        (arabic.id, "listing=1"),
        (ukrainian.id, "listing=1"),
    ]
    assert harness.rec.last().callback_data[:4] == [
        f"pn:1:{arabic.id}", f"vl:1:{arabic.id}", f"pn:1:{ukrainian.id}", f"vl:1:{ukrainian.id}"
    ]  # fmt: skip
    async with harness.db.transaction() as db:  # a household that withdrew its search
        await db.conn.execute(
            "UPDATE searches SET status = 'withdrawn' WHERE user_id = ?", (arabic.id,)
        )
    await harness.press("lq:1:0", user_id=CASEWORKER)
    assert arabic.case_number not in harness.rec.last().text
    assert "2 more households are interested" in harness.rec.last().text


async def test_a_household_can_share_its_case_from_the_offer(harness: Harness):
    await team_and_households(harness)
    hidden = await household(harness, 203, "en", shared=False)
    await publish(harness)
    await interested(harness, 203, "en")
    assert "cannot see your case yet" in harness.rec.last().text
    await harness.press("ps:1", user_id=203)
    assert "Caritas can now see your case" in harness.rec.last().text
    assert "ps:1" not in harness.rec.last().callback_data
    await harness.press("lq:1:0", user_id=CASEWORKER)
    assert hidden.case_number in harness.rec.last().text


async def test_staff_propose_a_household_once_and_it_hears_in_its_language(harness: Harness):
    ukrainian, _ = await team_and_households(harness)
    await publish(harness)
    await harness.deliver()
    await interested(harness, UK, "uk")
    await harness.press(f"pn:1:{ukrainian.id}", user_id=CASEWORKER)
    assert "Proposed. The household gets a message in its language." in harness.rec.last().text
    assert f"pn:1:{ukrainian.id}" not in harness.rec.last().callback_data
    await harness.press(f"pn:1:{ukrainian.id}", user_id=CASEWORKER)  # the old button again
    assert "proposed already" in harness.rec.last().text
    proposals = [row for row in await audit(harness) if row[2] == "shortlist.propose"]
    assert proposals == [(CASEWORKER, 1, "shortlist.propose", ukrainian.id, "listing=1")]
    harness.rec.clear()
    await harness.deliver()
    [message] = texts_to(harness, UK)
    expected = harness.t(
        "uk", "Good news: {carrier} has proposed you to the landlord of the {flat}."
    )
    assert expected.split("{carrier}")[0] in message


async def test_a_let_flat_tells_the_interested_and_stops_unsent_offers(harness: Harness):
    ukrainian, arabic = await team_and_households(harness)
    await publish(harness)
    await interested(harness, UK, "uk")  # before the offers are even sent: it was queued
    await harness.press("ls:1:let", user_id=CASEWORKER)
    assert "The 1 interested household is told" in harness.rec.last().text
    await harness.press("ls:1:letyes", user_id=CASEWORKER)
    assert "Let on" in harness.rec.last().text
    assert await harness.rows("SELECT user_id, state, kind FROM outbox ORDER BY id") == [
        (ukrainian.id, "cancelled", "listing"),
        (arabic.id, "cancelled", "listing"),
        (ukrainian.id, "pending", "listing_gone"),
    ]
    await harness.press("ls:1:letyes", user_id=CASEWORKER)  # twice: nothing more
    assert len(await harness.rows("SELECT id FROM outbox")) == 3
    harness.rec.clear()
    await harness.deliver()
    [gone] = texts_to(harness, UK)
    assert "Deutz" in gone
    await interested(harness, AR, "ar")
    answer = harness.rec.answers()[-1].params
    assert answer["show_alert"] is True and answer["text"] == harness.t(
        "ar", "This flat is no longer available."
    )


async def test_released_address_and_my_flats(harness: Harness):
    await team_and_households(harness)
    await publish(harness)
    await interested(harness, UK, "en")
    await harness.press("lm:0", user_id=UK)
    assert harness.rec.last().callback_data[0] == "lv:1"
    await harness.press("lv:1", user_id=UK)
    assert "Str. 12" not in harness.rec.last().text
    await harness.press("ls:1:release", user_id=CASEWORKER)
    assert "Households see the house number." in harness.rec.last().text
    await harness.press("lv:1", user_id=UK)
    assert "Deutz-Mülheimer Str. 12" in harness.rec.last().text
    await harness.press("lm:0", user_id=AR)
    assert harness.rec.last().text == harness.t(
        "ar",
        "You have not said yet that you are interested in a flat. When a flat fits your housing "
        "search, you get a message with the button “I'm interested”.",
    )
    assert harness.rec.last().callback_data == ["mn:home"]  # nothing to list
