"""Logs for operators: our events at INFO, libraries only when something is wrong."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType
from typing import TextIO

# Our packages log events with ids only, never message text or names.
OUR_LOGGERS = ("bot", "handlers", "storage", "domain", "sandbox")
# Everything else (apscheduler's line per job run, httpx's per request with the token in its
# URL, telegram, aiosqlite, aiohttp) shows from WARNING on, via the root logger.
LIBRARY_LEVEL = logging.WARNING

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class OneLineFormatter(logging.Formatter):
    """One line per event, also for an error: log collectors split records at newlines."""

    def formatException(self, ei: ExcInfo) -> str:
        error = ei[1]
        frames = traceback.extract_tb(ei[2])
        where = " < ".join(f"{_short(frame.filename)}:{frame.lineno}" for frame in frames[::-1])
        return f"{type(error).__name__}: {error} at {where}"

    def format(self, record: logging.LogRecord) -> str:
        cached, record.exc_text = record.exc_text, None  # another handler's, multi-line
        try:
            return super().format(record).replace("\n", " | ")
        finally:
            record.exc_text = cached


def _short(filename: str) -> str:
    """The package and the file: enough to find it, short enough to read."""
    return "/".join(filename.replace("\\", "/").rsplit("/", 2)[-2:])


def configure_logging(stream: TextIO = sys.stdout) -> None:
    """Logs go to stdout; stderr is kept for the one line that explains a failed start."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(LIBRARY_LEVEL)
    for name in OUR_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
