"""/notifications: topics on and off, in the user's language, safe against old buttons."""

from __future__ import annotations

import pytest

from domain.outbox import Topic
from handlers.common.routes import Cb, parse_cb
from handlers.onboarding.routes import NOTIFICATION_TOPIC
from tests.conftest import Harness

ALL_ON = [f"ns:{topic}:off" for topic in Topic] + ["mn:home"]


async def test_every_topic_is_on_until_turned_off(harness: Harness):
    await harness.add_user(111, "en")
    await harness.send("/notifications")
    screen = harness.rec.last()
    assert "Which messages" in screen.text
    assert screen.callback_data == ALL_ON
    assert all(button["text"].startswith("✅") for button in screen.buttons[:5])


async def test_turning_a_topic_off_and_on_again_is_saved_and_shown(harness: Harness):
    user = await harness.add_user(111, "en")
    await harness.send("/notifications")
    await harness.press("ns:listings:off")
    assert await harness.rows("SELECT user_id, topic FROM topic_optouts") == [
        (user.id, "listings")
    ]
    screen = harness.rec.last()
    assert screen.endpoint == "editMessageText"
    assert "ns:listings:on" in screen.callback_data
    assert screen.buttons[2]["text"].startswith("🔕")
    await harness.press("ns:listings:on")
    assert await harness.rows("SELECT * FROM topic_optouts") == []


async def test_pressing_an_old_button_twice_changes_nothing_more(harness: Harness):
    await harness.add_user(111, "en")
    await harness.press("ns:appointments:off")
    await harness.press("ns:appointments:off")
    assert await harness.rows("SELECT topic FROM topic_optouts") == [("appointments",)]


async def test_the_screen_is_in_the_users_language_and_reachable_from_the_settings(
    harness: Harness,
):
    await harness.add_user(111, "uk")
    await harness.send("/menu", lang="uk")
    await harness.press("mn:settings", lang="uk")
    assert "nt:show" in harness.rec.last().callback_data
    await harness.press("nt:show", lang="uk")
    screen = harness.rec.last()
    assert "Які повідомлення" in screen.text
    assert "Sprechstunde" in screen.text  # the German term stays, explained


async def test_someone_not_registered_is_led_to_start(harness: Harness):
    await harness.send("/notifications", lang="en")
    assert harness.rec.last().callback_data == ["lg:en", "ll:start"]
    await harness.press("ns:listings:off")
    assert await harness.rows("SELECT * FROM topic_optouts") == []


async def test_a_forged_topic_is_an_expired_button(harness: Harness):
    await harness.add_user(111, "en")
    await harness.press("ns:health:off")
    assert harness.rec.answers()[-1].params["text"] == "This button has expired."
    assert await harness.rows("SELECT * FROM topic_optouts") == []


async def test_typing_instead_of_tapping_gets_an_answer(harness: Harness):
    await harness.add_user(111, "en")
    await harness.send("/notifications")
    await harness.send("stop the flats please")
    assert "Please use the buttons" in harness.rec.last().text


@pytest.mark.parametrize("topic", list(Topic))
@pytest.mark.parametrize("wanted", ["on", "off"])
def test_topic_buttons_round_trip(topic, wanted):
    assert parse_cb(NOTIFICATION_TOPIC.data(topic, wanted)) == Cb("ns", (topic.value, wanted))
