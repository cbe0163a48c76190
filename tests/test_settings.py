"""Settings come from the environment; a bad value is one clear line, not a traceback."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError
from tests.fakes import TOKEN

BASE = {"BOT_TOKEN": TOKEN}


def test_defaults():
    settings = Settings.from_env(BASE)
    assert settings.telegram_base_url == "https://api.telegram.org/bot"
    assert settings.telegram_file_url == "https://api.telegram.org/file/bot"
    assert str(settings.tz) == "Europe/Berlin"
    assert settings.default_locale == "de"
    assert settings.admin_ids == frozenset()
    assert settings.question_alert_after == timedelta(hours=24)


def test_the_time_a_question_may_wait_is_set_in_hours():
    settings = Settings.from_env({**BASE, "QUESTION_ALERT_HOURS": " 4 "})
    assert settings.question_alert_after == timedelta(hours=4)


def test_a_local_bot_api_server_is_honoured():
    settings = Settings.from_env({**BASE, "TELEGRAM_BASE_URL": "http://127.0.0.1:8081/bot/"})
    assert settings.telegram_base_url == "http://127.0.0.1:8081/bot"
    assert settings.telegram_file_url == "http://127.0.0.1:8081/file/bot"


def test_port_and_webhook_are_read():
    settings = Settings.from_env({**BASE, "PORT": "8080", "WEBHOOK_URL": "https://x.example/h"})
    assert settings.port == 8080 and settings.webhook_url == "https://x.example/h"
    assert Settings.from_env(BASE).port == 8443


def test_admin_ids_are_parsed():
    settings = Settings.from_env({**BASE, "ADMIN_IDS": " 12, 34 ,,"})
    assert settings.admin_ids == frozenset({12, 34})


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({}, "BOT_TOKEN"),
        ({**BASE, "ADMIN_IDS": "12,abc"}, "ADMIN_IDS"),
        ({**BASE, "TZ": "Mars/Olympus"}, "TZ"),
        ({**BASE, "DEFAULT_LOCALE": "xx"}, "DEFAULT_LOCALE"),
        ({**BASE, "TELEGRAM_BASE_URL": "api.telegram.org"}, "TELEGRAM_BASE_URL"),
        ({**BASE, "PORT": "99999"}, "PORT"),
        ({**BASE, "QUESTION_ALERT_HOURS": "0"}, "QUESTION_ALERT_HOURS"),
        ({**BASE, "QUESTION_ALERT_HOURS": "1.5"}, "QUESTION_ALERT_HOURS"),
        ({"BOT_TOKEN": "abc"}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "999:WRONG"}, "BOT_TOKEN"),
        ({"BOT_TOKEN": TOKEN + " extra"}, "BOT_TOKEN"),
        ({**BASE, "WEBHOOK_URL": "http://not-https"}, "WEBHOOK_URL"),
        ({**BASE, "WEBHOOK_URL": "garbage"}, "WEBHOOK_URL"),
        ({**BASE, "WEBHOOK_URL": "https://"}, "WEBHOOK_URL"),
        ({**BASE, "WEBHOOK_URL": "https://bot.example.org:8080/hook"}, "WEBHOOK_URL"),
        ({**BASE, "WEBHOOK_URL": "https://bot.example.org:x/hook"}, "WEBHOOK_URL"),
    ],
)
def test_a_bad_value_names_the_variable(env, variable):
    with pytest.raises(SettingsError, match=variable) as raised:
        Settings.from_env(env)
    assert "\n" not in str(raised.value)


def test_a_bad_token_is_not_repeated_in_the_message():
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"BOT_TOKEN": "123:secret"})
    assert "secret" not in str(raised.value)


def test_a_webhook_on_a_port_telegram_allows_is_accepted():
    url = "https://bot.example.org:8443/hook"
    assert Settings.from_env({**BASE, "WEBHOOK_URL": url}).webhook_url == url


def test_python_m_bot_prints_one_line_and_exits_nonzero_on_bad_config(tmp_path: Path):
    env = {"BOT_TOKEN": TOKEN, "ADMIN_IDS": "nope", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        env=env,
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "configuration error: ADMIN_IDS must be comma-separated numeric Telegram user ids, "
        "got 'abc'".replace("abc", "nope")
    ]
