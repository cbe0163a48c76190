"""Figures for staff: counts per status, per month, per week. Pure; the handler draws them.

A chart is a `Chart`: labels along the x axis and one or more named series of counts, so a
new figure (bookings and no-shows, listings and interest) is one more function that returns
one, whatever its source.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class Chart:
    title: str  # already in the reader's language
    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[int, ...]], ...]  # (name, one count per label)

    @property
    def is_empty(self) -> bool:
        return not any(any(values) for _, values in self.series)


def month_bounds(now: datetime, tz: ZoneInfo, months: int) -> list[date]:
    """The first days of the last `months` months and of the next one (the end)."""
    first = now.astimezone(tz).date().replace(day=1)
    starts = [(first + timedelta(days=32)).replace(day=1), first]
    while len(starts) <= months:
        starts.append((starts[-1] - timedelta(days=1)).replace(day=1))
    return starts[::-1]


def week_bounds(now: datetime, tz: ZoneInfo, weeks: int, ahead: int = 0) -> list[date]:
    """The Mondays of the last `weeks` weeks and `ahead` weeks to come, then the end."""
    today = now.astimezone(tz).date()
    monday = today - timedelta(days=today.weekday())
    return [monday + timedelta(weeks=n) for n in range(-weeks + 1, ahead + 2)]


def count_by_period(moments: Iterable[datetime], bounds: list[date], tz: ZoneInfo) -> list[int]:
    """How many moments fall into each period [bounds[i], bounds[i + 1])."""
    counts = [0] * (len(bounds) - 1)
    for moment in moments:
        day = moment.astimezone(tz).date()
        index = bisect_right(bounds, day) - 1
        if 0 <= index < len(counts):
            counts[index] += 1
    return counts
