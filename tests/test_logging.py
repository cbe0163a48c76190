"""Logs are for operators: our events at INFO, libraries at WARNING, one line, ids only."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import OUR_LOGGERS, OneLineFormatter, configure_logging
from tests.conftest import Harness
from tests.fakes import user

LIBRARIES = ("apscheduler.executors.default", "httpx", "telegram.ext.Application", "aiosqlite")
OURS = ("bot.delivery", "bot.startup", "handlers.common.errors", "storage.db", "sandbox.bot_api")


@pytest.fixture
def configured() -> Iterator[io.StringIO]:
    """configure_logging() into a buffer; the root logger and ours are restored afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging(stream)
    try:
        yield stream
    finally:
        root.handlers[:], root.level = handlers, level
        for name in OUR_LOGGERS:
            logging.getLogger(name).setLevel(logging.NOTSET)


def test_our_events_show_at_info_and_libraries_only_from_warning(configured: io.StringIO):
    for name in LIBRARIES:
        assert logging.getLogger(name).getEffectiveLevel() == logging.WARNING, name
    for name in OURS:
        assert logging.getLogger(name).getEffectiveLevel() == logging.INFO, name
    scheduler = logging.getLogger("apscheduler.executors.default")
    scheduler.info('Job "sweep" executed successfully')  # its line every minute
    logging.getLogger("bot.startup").info("connected to Telegram as @bot")
    scheduler.warning("Run time of job was missed by 0:00:03")
    lines = configured.getvalue().splitlines()
    assert [line.split(" ", 3)[3] for line in lines] == [
        "bot.startup: connected to Telegram as @bot",
        "apscheduler.executors.default: Run time of job was missed by 0:00:03",
    ]


def test_an_error_with_its_traceback_is_one_line(configured: io.StringIO):
    try:
        raise ValueError("first line\nsecond line")
    except ValueError:
        logging.getLogger("bot.delivery").exception("outbox %d: rendering failed", 7)
    (line,) = configured.getvalue().splitlines()
    assert "ERROR bot.delivery: outbox 7: rendering failed | ValueError: first line" in line
    assert "tests/test_logging.py:" in line  # where it happened


NAME = "Zuleikha"
TEXT = "Wir wohnen in der Geheimstraße 7"


async def test_what_users_write_and_their_names_never_reach_the_log(
    harness: Harness, caplog: pytest.LogCaptureFixture
):
    for name in OUR_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    person = user(555, "de", first_name=NAME)
    for text in ("/start", TEXT, "/mysearch", TEXT, "/ask", TEXT, "/profile", NAME):
        await harness.send(text, user_id=555, lang="de", **{"from": person})
    harness.rec.unreachable[555] = (400, "Bad Request: chat not found")
    await harness.send(TEXT, user_id=555, lang="de", **{"from": person})  # on_error logs it
    assert any(record.levelno == logging.ERROR for record in caplog.records)
    formatter = OneLineFormatter()
    for record in caplog.records:
        line = formatter.format(record)
        assert NAME not in line and "Geheimstraße" not in line, line
