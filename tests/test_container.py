"""The Dockerfile installs the lock and runs as a user; its HEALTHCHECK reads a heartbeat."""

from __future__ import annotations

import os
import re
from pathlib import Path

from telegram.ext import CallbackContext

from bot.app import build_application
from bot.health import STALE_AFTER, check, heartbeat_file, schedule_heartbeat
from sandbox.bot_api import SANDBOX_TOKEN, BotApi
from sandbox.run import polling, serving
from sandbox.web import make_web_app
from tests.conftest import make_settings

ROOT = Path(__file__).parent.parent


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    pairs = [line.split(maxsplit=1) for line in lines if line and not line.startswith("#")]
    return [(pair[0].upper(), pair[1] if len(pair) > 1 else "") for pair in pairs]


def test_the_image_installs_exactly_the_lock_and_runs_as_a_user_not_root():
    steps = _instructions()
    assert steps[0] == ("FROM", "python:3.11-slim")
    runs = [args for name, args in steps if name == "RUN"]
    assert any("pip install -c requirements.lock ." in args for args in runs)
    assert not any(re.search(r"pip install (?!-c requirements\.lock)", args) for args in runs)
    users = [args for name, args in steps if name == "USER"]
    assert users and users[-1] not in ("root", "0")
    last_user = max(i for i, (name, _) in enumerate(steps) if name == "USER")
    assert steps[-1] == ("CMD", '["python", "-m", "bot"]') and last_user < len(steps) - 1


def test_the_data_lives_in_a_volume_and_health_is_checked():
    steps = _instructions()
    assert ("ENV", "DATABASE_PATH=/data/bot.sqlite3") in steps
    assert ("VOLUME", '["/data"]') in steps
    (health,) = [args for name, args in steps if name == "HEALTHCHECK"]
    assert health.endswith('CMD ["python", "-m", "bot.health"]')
    for name, args in steps:  # everything copied exists in the repository
        if name == "COPY":
            assert all((ROOT / source).exists() for source in args.split()[:-1]), args


def test_health_needs_a_recent_heartbeat(tmp_path: Path):
    env = {"DATABASE_PATH": str(tmp_path / "bot.sqlite3")}
    beat_at = 1_800_000_000.0
    assert "no heartbeat" in (check(env, now=beat_at) or "")
    heartbeat_file(tmp_path / "bot.sqlite3").touch()
    os.utime(heartbeat_file(tmp_path / "bot.sqlite3"), (beat_at, beat_at))
    assert check(env, now=beat_at + STALE_AFTER.total_seconds()) is None
    assert "old" in (check(env, now=beat_at + STALE_AFTER.total_seconds() + 1) or "")


async def test_the_bot_beats_only_while_it_takes_updates(tmp_path: Path):
    api = BotApi([])
    async with serving(make_web_app(api, ()), port=0) as url:
        settings = make_settings(tmp_path, bot_token=SANDBOX_TOKEN, telegram_base_url=f"{url}/bot")
        app = build_application(settings)
        schedule_heartbeat(app, settings.database_path)
        assert app.job_queue is not None
        (job,) = app.job_queue.get_jobs_by_name("heartbeat")
        beat = heartbeat_file(settings.database_path)
        await job.callback(CallbackContext.from_job(job, app))
        assert not beat.exists()  # not polling yet
        async with polling(app):
            await job.callback(CallbackContext.from_job(job, app))
            assert beat.exists()
