"""Volunteers who go along: their offer, requests that reach those who fit, the first accept
wins, the household learns a first name, staff hear when nobody comes."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from domain.accompaniment import Kind, Offer
from domain.accounts import Account
from sandbox.personas import PERSONAS
from sandbox.seed import seed
from storage import accompaniment
from tests.conftest import Harness
from tests.staffing import (
    CASEWORKER,
    COORDINATOR,
    SEEKER,
    audit,
    expired_alert,
    make_team,
    register_seeker,
    share_with,
    texts_to,
)

JANA, EMRE, OLGA, SAMIR = 801, 802, 803, 804
VOLUNTEER = next(p for p in PERSONAS if p.role == "volunteer")
TYPED = "28.11. 14:30\nVenloer Str. 12, Ehrenfeld\nvor der Haustür"


async def _volunteer(
    harness: Harness,
    telegram_id: int,
    name: str,
    *,
    lang: str = "en",
    districts: frozenset[str] = frozenset({"Ehrenfeld"}),
    languages: frozenset[str] = frozenset({"uk", "de"}),
    kinds: frozenset[Kind] = frozenset(Kind),
    active: bool = True,
) -> int:
    await harness.send("/start", user_id=telegram_id, lang=lang)
    await harness.press(f"cs:yes:volunteer:{lang}", user_id=telegram_id, lang=lang)
    [(user_id,)] = await harness.rows("SELECT id FROM users WHERE telegram_id = ?", telegram_id)
    offer = Offer(user_id, name, districts, languages, kinds, active)
    async with harness.db.transaction() as db:
        await accompaniment.save_offer(db, offer, harness.clock())
    return user_id


def _alerted(harness: Harness, locale: str) -> bool:
    """The last press got "This button has expired." in the presser's language."""
    answer = harness.rec.answers()[-1].params
    return answer.get("text") == harness.t(locale, "This button has expired.") and bool(
        answer.get("show_alert")
    )


async def _household_with_viewing(harness: Harness) -> Account:
    await make_team(harness)
    seeker = await register_seeker(harness, lang="uk")
    await share_with(harness, seeker)
    await harness.press(f"vn:{seeker.id}", user_id=CASEWORKER)
    await harness.send(TYPED, user_id=CASEWORKER)
    await harness.deliver()
    harness.rec.clear()
    return seeker


async def test_a_volunteer_chooses_districts_languages_and_places(harness: Harness):
    await harness.send("/start", user_id=JANA, lang="de")
    await harness.press("cs:yes:volunteer:de", user_id=JANA, lang="de")
    await harness.press("ko:show", user_id=JANA, lang="de")
    overview = harness.rec.last()
    assert "Olena" in overview.text  # the Telegram first name is what households learn
    assert overview.callback_data[:4] == ["ko:districts", "ko:languages", "ko:kinds", "kt:a:off"]
    await harness.press("ko:districts", user_id=JANA)
    assert len(harness.rec.last().callback_data) == 9 + 1  # nine districts and Back
    for data in ("kt:d:4", "kt:l:uk", "kt:k:viewing", "kt:k:jobcenter", "kt:k:jobcenter"):
        await harness.press(data, user_id=JANA)
    [(user_id,)] = await harness.rows("SELECT id FROM users WHERE telegram_id = ?", JANA)
    offer = await accompaniment.get_offer(harness.db, user_id)
    assert offer is not None
    assert (offer.districts, offer.languages, offer.kinds, offer.active) == (
        frozenset({"Ehrenfeld"}), frozenset({"de", "uk"}), frozenset({Kind.VIEWING}), True
    )  # fmt: skip
    await harness.press("kt:a:off", user_id=JANA)
    assert not (await accompaniment.get_offer(harness.db, user_id)).active
    await harness.press("kt:d:99", user_id=JANA)  # no such district
    assert _alerted(harness, "de")


async def test_only_volunteers_may_offer(harness: Harness):
    await register_seeker(harness)
    await harness.press("ko:show")
    assert harness.rec.last().text.startswith("What would you like to do?")
    assert await harness.rows("SELECT * FROM accompaniment_offers") == []


async def test_a_request_reaches_only_volunteers_who_fit_in_their_language(harness: Harness):
    seeker = await _household_with_viewing(harness)
    await _volunteer(harness, JANA, "Jana", lang="de")
    await _volunteer(harness, EMRE, "Emre", lang="tr", languages=frozenset({"uk", "tr"}))
    await _volunteer(harness, OLGA, "Olga", districts=frozenset({"Porz"}))
    await _volunteer(harness, SAMIR, "Samir", languages=frozenset({"ar"}))
    harness.rec.clear()
    await harness.press("kv:1", lang="uk")  # the household asks from its invitation
    assert harness.rec.last().endpoint == "sendMessage"  # below the calendar file, not an edit
    await harness.press("kv:1", lang="uk")  # twice: one request
    assert len(await harness.rows("SELECT * FROM accompaniment_requests")) == 1
    await harness.deliver()
    asked = {c.params["chat_id"]: c for c in harness.rec.sent() if c.params["chat_id"] > 800}
    assert set(asked) == {JANA, EMRE}
    assert asked[JANA].text.startswith("🤝 <b>Können Sie einen Haushalt begleiten?</b>")
    assert asked[EMRE].text.startswith("🤝 <b>Bir haneye eşlik edebilir misiniz?</b>")
    assert "Wohnungsbesichtigung in Ehrenfeld" in asked[JANA].text
    assert "Ukrainisch" in asked[JANA].text  # the household's language, named in German
    assert asked[JANA].callback_data[0] == "ka:1"
    assert seeker.case_number not in asked[JANA].text  # volunteers learn no case number


async def test_the_first_to_accept_wins_and_everyone_else_is_told(harness: Harness):
    await _household_with_viewing(harness)
    for telegram_id, name in ((JANA, "Jana"), (EMRE, "Emre"), (OLGA, "Olga")):
        await _volunteer(harness, telegram_id, name)
    await harness.press("kv:1", lang="uk")
    await harness.deliver()
    harness.rec.clear()
    await asyncio.gather(harness.press("ka:1", user_id=JANA), harness.press("ka:1", user_id=EMRE))
    [(status, volunteer)] = await harness.rows(
        "SELECT r.status, u.telegram_id FROM accompaniment_requests r"
        " JOIN users u ON u.id = r.volunteer_id"
    )
    assert status == "taken" and volunteer in (JANA, EMRE)
    loser = EMRE if volunteer == JANA else JANA
    assert texts_to(harness, volunteer)[-1].startswith("✓ Thank you! You go along")
    assert texts_to(harness, loser)[-1].startswith("Another volunteer accepted this request")
    await harness.deliver()
    assert "Another volunteer goes along" in texts_to(harness, OLGA)[-1]
    winner = "Jana" if volunteer == JANA else "Emre"
    [found] = [t for t in texts_to(harness, SEEKER) if "🤝" in t]
    assert winner in found and "vor der Haustür" in found
    assert "Olga" not in found and str(volunteer) not in found  # a first name, nothing else
    await harness.press("ka:1", user_id=OLGA)  # too late
    assert texts_to(harness, OLGA)[-1].startswith("Another volunteer accepted")


async def test_nobody_accepting_in_time_tells_staff_even_after_a_restart(harness: Harness):
    seeker = await _household_with_viewing(harness)
    await _volunteer(harness, JANA, "Jana")
    await harness.press("vw:1", user_id=CASEWORKER)
    await harness.press("kv:1", user_id=CASEWORKER)
    assert "You hear when one accepts" in harness.rec.last().text
    assert (await audit(harness))[-1][2] == "companion.request"
    await harness.deliver()
    await harness.restart()
    harness.clock.advance(timedelta(hours=23, minutes=59))
    await harness.deliver()
    assert not any("No volunteer accepted" in t for t in texts_to(harness, CASEWORKER))
    harness.clock.advance(timedelta(minutes=1))  # 24 hours after the request
    await harness.deliver()
    [note] = [t for t in texts_to(harness, CASEWORKER) if "No volunteer accepted" in t]
    assert seeker.case_number in note
    assert not any("No volunteer accepted" in t for t in texts_to(harness, COORDINATOR))
    await harness.press("ka:1", user_id=JANA)
    assert texts_to(harness, JANA)[-1].startswith("This request is no longer open.")


async def test_an_office_visit_goes_to_volunteers_of_that_district(harness: Harness):
    await make_team(harness)
    seeker = await register_seeker(harness, lang="uk")
    await share_with(harness, seeker)
    await _volunteer(harness, JANA, "Jana", districts=frozenset({"Innenstadt"}))
    await _volunteer(harness, EMRE, "Emre", kinds=frozenset({Kind.VIEWING}))
    await harness.press(f"kr:{seeker.id}", user_id=CASEWORKER)
    await harness.press(f"kk:{seeker.id}:jobcenter", user_id=CASEWORKER)
    assert "Jobcenter" in harness.rec.last().text and "For example" in harness.rec.last().text
    await harness.send("1.12. 9:00\nLuxemburger Str. 121, Köln-Altstadt-Süd", user_id=CASEWORKER)
    assert "You hear when one accepts" in harness.rec.last().text
    assert await harness.rows("SELECT kind, district FROM accompaniment_requests") == [
        ("jobcenter", "Innenstadt")
    ]
    await harness.deliver()
    await harness.press("ka:1", user_id=JANA)
    await harness.deliver()
    note = texts_to(harness, CASEWORKER)[-1]
    assert "Jana goes along with case" in note and seeker.case_number in note
    await harness.send(f"/find {seeker.case_number}", user_id=CASEWORKER)
    assert "Jana goes along" in harness.rec.last().text


async def test_a_forged_accept_changes_nothing(harness: Harness):
    await _household_with_viewing(harness)
    await _volunteer(harness, JANA, "Jana")
    await _volunteer(harness, SAMIR, "Samir", languages=frozenset({"ar"}))
    await harness.press("kv:1", lang="uk")
    await harness.press("ka:1", user_id=SAMIR)  # was not asked
    assert expired_alert(harness)
    await harness.press("ka:1")  # the household itself
    assert _alerted(harness, "uk")
    assert await harness.rows("SELECT status FROM accompaniment_requests") == [("open",)]


async def test_a_cancelled_viewing_frees_the_volunteer(harness: Harness):
    await _household_with_viewing(harness)
    await _volunteer(harness, JANA, "Jana")
    await harness.press("kv:1", lang="uk")
    await harness.deliver()
    await harness.press("ka:1", user_id=JANA)
    await harness.press("vx:yes:1", user_id=CASEWORKER)
    await harness.deliver()
    assert "You do not need to go" in texts_to(harness, JANA)[-1]
    assert await harness.rows("SELECT status FROM accompaniment_requests") == [("cancelled",)]


async def test_the_sandbox_volunteer_goes_along_and_seeding_twice_adds_nothing(harness: Harness):
    await seed(harness.app)
    await seed(harness.app)
    [(user_id,)] = await harness.rows(
        "SELECT id FROM users WHERE telegram_id = ? AND role = 'volunteer'", VOLUNTEER.user_id
    )
    offer = await accompaniment.get_offer(harness.db, user_id)
    assert offer is not None and offer.first_name == VOLUNTEER.first_name
    assert len(offer.districts) == 9 and {"uk", "ar", "fa"} <= offer.languages
