"""Staff type a flat listing, preview it as households will see it, and publish it once."""

from __future__ import annotations

from datetime import timedelta

from domain.places import Area
from tests.conftest import Harness, euro
from tests.fakes import Call
from tests.listing_setup import (
    CONTACT,
    FORM,
    household,
    opt_out_of_listings,
    publish,
    team_and_households,
    type_listing,
)
from tests.staffing import CASEWORKER, OTHER_CASEWORKER, SEEKER, audit, expired_alert, make_team

PHOTO = {
    "photo": [  # Telegram sends each size it made; the largest comes last
        {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90},
        {"file_id": "big", "file_unique_id": "b", "width": 900, "height": 900},
    ]
}


def offers(harness: Harness) -> list[Call]:
    """The offers the outbox sent to households."""
    return [
        c
        for c in harness.rec.calls
        if c.endpoint == "sendMessage" and any(d.startswith("li:") for d in c.callback_data)
    ]


async def test_staff_see_the_offer_as_households_will_and_how_many_it_fits(harness: Harness):
    await team_and_households(harness)
    await household(harness, 203, area=Area(False, frozenset({"Kalk"})))  # looks elsewhere
    await type_listing(harness)
    preview = harness.rec.last()
    assert "Households get the offer like this" in preview.text
    assert "3-room flat in Deutz" in preview.text and euro(850) in preview.text
    assert "It fits 2 active housing searches now." in preview.text
    assert CONTACT not in preview.text.split("</blockquote>")[0]  # not in the household's part
    assert "Str. 12" not in preview.text
    assert preview.callback_data[0] == "ld:1:publish"
    await harness.press("lw:1:uk", user_id=CASEWORKER)
    assert "Ukrainian here" in harness.rec.last().text  # the offer itself in Ukrainian
    assert harness.t("uk", "Note from the landlord, in German:") in harness.rec.last().text


async def test_publishing_sends_each_matching_household_the_offer_in_its_language(
    harness: Harness,
):
    await team_and_households(harness)
    opted_out = await household(harness, 204, "ru")
    await opt_out_of_listings(harness, opted_out)
    await household(harness, 205, "tr", max_rent=500)  # cannot afford it
    await publish(harness)
    # Queued for all three it fits; the one who turned offers off is skipped at sending.
    assert "3 households get the offer" in harness.rec.last().text
    harness.rec.clear()
    await harness.deliver()
    sent = {c.params["chat_id"]: c for c in offers(harness)}
    assert set(sent) == {201, 202}  # the opted-out household gets nothing, nor the poorer one
    uk, ar = sent[201], sent[202]
    assert harness.t("uk", "A flat that fits your housing search:") in uk.text
    assert "Balkon, 2. OG" in uk.text and CONTACT not in uk.text and "Str. 12" not in uk.text
    assert harness.app.bot_data.catalogs.get("uk").money(1700) in uk.text  # "1 700,00 EUR"
    assert harness.t("ar", "Note from the landlord, in German:") in ar.text
    assert uk.callback_data == ["li:1:yes", "li:1:no"]
    summary = [c.text for c in harness.rec.sent() if c.params["chat_id"] == CASEWORKER]
    assert any("2 of 3 people got it" in text for text in summary)
    assert await harness.rows("SELECT state FROM outbox WHERE user_id = ?", opted_out.id) == [
        ("skipped",)
    ]


async def test_publishing_twice_sends_nothing_the_second_time(harness: Harness):
    await team_and_households(harness)
    listing_id = await publish(harness)
    await harness.press(f"ld:{listing_id}:publish", user_id=CASEWORKER)
    assert "published already. Nothing was sent again." in harness.rec.last().text
    assert len(await harness.rows("SELECT id FROM outbox")) == 2
    assert len(await harness.rows("SELECT id FROM broadcasts")) == 1
    publications = [row for row in await audit(harness) if row[2] == "listing.publish"]
    assert publications == [(CASEWORKER, 1, "listing.publish", None, "listing=1 sent=2")]


async def test_a_warm_rent_is_explained_and_the_other_lines_are_kept(harness: Harness):
    await make_team(harness)
    await harness.send("/listing", user_id=CASEWORKER)
    await harness.send("Stadtteil: Deutz\nMiete: warm 900\nZimmer: 2,5", user_id=CASEWORKER)
    reply = harness.rec.last().text
    assert "“Miete: warm 900”: This looks like the warm rent." in reply
    assert "The other lines are saved." in reply
    assert "Still missing:" in reply and "Bruttokaltmiete" in reply
    assert await harness.rows("SELECT quarter, rooms, rent_cents FROM listings") == [
        ("Deutz", "2.5", None)
    ]
    await harness.send("hello", user_id=CASEWORKER)
    assert "I found no line of the form." in harness.rec.last().text
    assert await harness.rows("SELECT quarter, rooms FROM listings") == [("Deutz", "2.5")]


async def test_the_draft_survives_a_restart_and_cancel_keeps_it(harness: Harness):
    await make_team(harness)
    first, rest = FORM.split("Heizkosten")
    await harness.send("/listing", user_id=CASEWORKER)
    await harness.send(first, user_id=CASEWORKER)
    await harness.restart()
    await harness.send("Heizkosten" + rest, user_id=CASEWORKER)
    assert "It fits 0 active housing searches now." in harness.rec.last().text
    await harness.send("/cancel", user_id=CASEWORKER)
    assert "Your draft is kept" in harness.rec.last().text
    await harness.send("Zimmer: 4", user_id=CASEWORKER)  # no longer waiting: the fallback
    assert "Please use the buttons." in harness.rec.last().text
    await harness.send("/listing", user_id=CASEWORKER)  # the same draft again
    assert "3-room flat in Deutz" in harness.rec.last().text
    assert len(await harness.rows("SELECT id FROM listings")) == 1


async def test_photos_are_kept_as_file_ids_and_a_photo_without_a_draft_is_explained(
    harness: Harness,
):
    await make_team(harness)
    await harness.send(user_id=CASEWORKER, **PHOTO)
    assert "Photos of a flat go into a listing: open it with /listing" in harness.rec.last().text
    listing_id = await type_listing(harness)
    await harness.press(f"ld:{listing_id}:photos", user_id=CASEWORKER)
    await harness.send(user_id=CASEWORKER, **PHOTO)
    assert (
        "Photo saved." in harness.rec.last().text and "Saved so far: 1" in harness.rec.last().text
    )
    assert await harness.rows("SELECT file_id FROM listing_photos") == [("big",)]
    await harness.press(f"lp:{listing_id}", user_id=CASEWORKER)
    album = [c for c in harness.rec.calls if c.endpoint == "sendMediaGroup"]
    assert len(album) == 1 and [m["media"] for m in album[0].params["media"]] == ["big"]
    await harness.send(user_id=SEEKER, **PHOTO)  # not staff, no draft: the general answer
    assert "we never need copies of your papers" in harness.rec.last().text


async def test_another_carrier_cannot_touch_the_listing(harness: Harness):
    await team_and_households(harness)
    listing_id = await publish(harness)
    for data in (f"ls:{listing_id}:show", f"lq:{listing_id}:0", f"ld:{listing_id}:publish"):
        await harness.press(data, user_id=OTHER_CASEWORKER)
        assert expired_alert(harness)
    denied = [row for row in await audit(harness) if row[2].startswith("denied.")]
    assert [row[2] for row in denied] == [
        "denied.listing.write",
        "denied.shortlist.view",
        "denied.listing.publish",
    ]
    await harness.send("/listing", user_id=SEEKER)
    assert "only for staff" in harness.rec.last().text


async def test_discarding_a_draft_deletes_it(harness: Harness):
    await make_team(harness)
    listing_id = await type_listing(harness)
    await harness.press(f"ld:{listing_id}:discard", user_id=CASEWORKER)
    assert "Nothing has been sent to anyone." in harness.rec.last().text
    await harness.press(f"ld:{listing_id}:drop", user_id=CASEWORKER)
    assert await harness.rows("SELECT id FROM listings") == []
    await harness.press(f"ld:{listing_id}:drop", user_id=CASEWORKER)  # an old button
    assert expired_alert(harness)


async def test_offers_published_at_night_wait_for_the_morning(harness: Harness):
    await team_and_households(harness)
    harness.clock.moment = harness.clock.moment.replace(hour=22)  # 23:00 in Köln
    await type_listing(harness, FORM.replace("1.12.2026", "sofort"))
    await harness.press("ld:1:publish", user_id=CASEWORKER)
    await harness.deliver()
    assert offers(harness) == []
    harness.clock.advance(timedelta(hours=9))  # 08:00 in Köln
    await harness.deliver()
    assert {c.params["chat_id"] for c in offers(harness)} == {201, 202}


async def test_after_cancel_the_photo_button_listens_for_photos_again(harness: Harness):
    await make_team(harness)
    listing_id = await type_listing(harness)
    await harness.send("/cancel", user_id=CASEWORKER)
    await harness.press(f"ld:{listing_id}:photos", user_id=CASEWORKER)
    await harness.send(user_id=CASEWORKER, **PHOTO)
    assert "Photo saved." in harness.rec.last().text
