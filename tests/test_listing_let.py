"""A let flat: staff say to whom; that household's case moves on, everyone else's viewings
of the flat are cancelled with a message in their language, the interested are told."""

from __future__ import annotations

from domain.accounts import Account
from tests.conftest import Harness
from tests.fakes import Call
from tests.listing_setup import household, publish, team_and_households
from tests.staffing import CASEWORKER, OTHER_CASEWORKER, audit, expired_alert

UK, AR = 201, 202
VIEWING_AT = "28.11. 14:30"


async def viewing(harness: Harness, account: Account, telegram_id: int, lang: str) -> None:
    """The household says it is interested and Caritas plans its viewing of listing 1."""
    await harness.press("li:1:yes", user_id=telegram_id, lang=lang)
    await harness.press(f"vl:1:{account.id}", user_id=CASEWORKER)
    await harness.send(VIEWING_AT, user_id=CASEWORKER)


async def two_viewings(harness: Harness) -> tuple[Account, Account]:
    ukrainian, arabic = await team_and_households(harness)
    await publish(harness)
    await viewing(harness, ukrainian, UK, "uk")
    await viewing(harness, arabic, AR, "ar")
    await harness.deliver()
    harness.rec.clear()
    return ukrainian, arabic


def to(harness: Harness, chat_id: int) -> list[Call]:
    return [c for c in harness.rec.calls if c.params.get("chat_id") == chat_id]


async def statuses(harness: Harness) -> list[tuple]:
    return await harness.rows("SELECT user_id, status FROM viewings ORDER BY id")


async def test_let_to_a_household_moves_its_case_and_cancels_the_other_viewings(
    harness: Harness,
):
    ukrainian, arabic = await two_viewings(harness)
    await harness.press("lt:1:ask", user_id=CASEWORKER)
    ask = harness.rec.last()
    assert "Who got the flat?" in ask.text and "2 households are interested" in ask.text
    assert ask.callback_data == [
        f"lt:1:{ukrainian.id}",
        f"lt:1:{arabic.id}",
        "lt:1:other",
        "ls:1:show",
    ]
    await harness.press(f"lt:1:{ukrainian.id}", user_id=CASEWORKER)
    note = harness.rec.last().text
    assert "Let to case" in note and "“Offer received”" in note and "Let on" in note
    assert "1 viewing of another household is cancelled" in note
    assert await harness.rows("SELECT user_id, status FROM cases ORDER BY user_id") == [
        (ukrainian.id, "offer"),
        (arabic.id, "viewing"),
    ]
    assert await statuses(harness) == [(ukrainian.id, "scheduled"), (arabic.id, "cancelled")]
    await harness.deliver()
    [notice] = to(harness, UK)  # the next step, and no "no longer available"
    assert "Jobcenter" in notice.text and notice.endpoint == "sendMessage"
    cancelled, gone = (call.text for call in to(harness, AR))
    expected = harness.t("ar", "❌ The flat at {place} has been let to another household, so "
                         "the viewing on {when} is cancelled. The file removes it from your "
                         "calendar. Your housing search goes on.")  # fmt: skip
    assert expected.split("{")[0] in cancelled
    assert "Deutz" in gone
    logged = [row[2:4] for row in await audit(harness)][-5:]
    assert logged == [
        ("shortlist.view", ukrainian.id),
        ("shortlist.view", arabic.id),
        ("listing.close", ukrainian.id),
        ("case.status", ukrainian.id),
        ("viewing.change", arabic.id),
    ]


async def test_let_to_someone_else_cancels_every_viewing(harness: Harness):
    ukrainian, arabic = await two_viewings(harness)
    await harness.press("lt:1:other", user_id=CASEWORKER)
    assert "2 viewings of other households are cancelled" in harness.rec.last().text
    assert await statuses(harness) == [(ukrainian.id, "cancelled"), (arabic.id, "cancelled")]
    assert await harness.rows("SELECT status FROM cases") == [("viewing",), ("viewing",)]


async def test_wrong_carrier_stale_buttons_and_strangers_change_nothing(harness: Harness):
    ukrainian, arabic = await two_viewings(harness)
    stranger = await household(harness, 203, "en")  # shared, but never interested
    for presser, data in (
        (OTHER_CASEWORKER, "lt:1:ask"),  # DRK staff, Caritas' flat
        (OTHER_CASEWORKER, f"lt:1:{ukrainian.id}"),
        (CASEWORKER, f"lt:1:{stranger.id}"),  # not on the shortlist
        (203, f"lt:1:{stranger.id}"),  # a household pressing a staff button
        (CASEWORKER, "lt:99:other"),  # no such listing
    ):
        await harness.press(data, user_id=presser)
        assert expired_alert(harness), data
        assert (await audit(harness))[-1][0] == presser
        assert (await audit(harness))[-1][2].startswith("denied."), data
    assert await harness.rows("SELECT status FROM listings") == [("published",)]
    assert await statuses(harness) == [(ukrainian.id, "scheduled"), (arabic.id, "scheduled")]
    await harness.press(f"lt:1:{arabic.id}", user_id=CASEWORKER)
    await harness.press(f"lt:1:{ukrainian.id}", user_id=CASEWORKER)  # a stale button
    assert "closed already" in harness.rec.last().text
    assert await harness.rows("SELECT user_id, status FROM cases ORDER BY user_id") == [
        (ukrainian.id, "viewing"),
        (arabic.id, "offer"),
        (stranger.id, "searching"),
    ]
