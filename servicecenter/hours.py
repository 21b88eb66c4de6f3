"""When the Agent Service Center answers Online Chat: Monday to Friday, 8:00 to 18:00 Pacific time, except the
days its staff mark closed in admin (ClosedDay)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from .models import ClosedDay

PACIFIC = ZoneInfo("America/Los_Angeles")
OPENS, CLOSES = datetime.time(8, 0), datetime.time(18, 0)
WEEKDAYS = range(0, 5)  # Monday to Friday
_LOOK_AHEAD_DAYS = 60


def is_open(now: datetime.datetime | None = None) -> bool:
    """Whether chat is answered at this moment."""
    here = (now or timezone.now()).astimezone(PACIFIC)
    return OPENS <= here.time() < CLOSES and _opening_day(here.date(), closed=None)


def next_opening(now: datetime.datetime | None = None) -> datetime.datetime:
    """The next moment chat opens, in Pacific time (the moment itself if it is open now)."""
    here = (now or timezone.now()).astimezone(PACIFIC)
    closed = set(
        ClosedDay.objects.filter(
            day__gte=here.date(), day__lte=here.date() + datetime.timedelta(days=_LOOK_AHEAD_DAYS)
        ).values_list("day", flat=True)
    )
    day = here.date()
    if _opening_day(day, closed) and here.time() < CLOSES:
        if here.time() >= OPENS:
            return here
        return _at(day, OPENS)
    for offset in range(1, _LOOK_AHEAD_DAYS + 1):
        day = here.date() + datetime.timedelta(days=offset)
        if _opening_day(day, closed):
            return _at(day, OPENS)
    return _at(day, OPENS)  # closed for two months on end: the marked days are wrong; say the day after


def closed_today(now: datetime.datetime | None = None) -> ClosedDay | None:
    """The day marked closed today, with its reason, if today is one."""
    here = (now or timezone.now()).astimezone(PACIFIC)
    return ClosedDay.objects.filter(day=here.date()).first()


def _opening_day(day: datetime.date, closed: set[datetime.date] | None) -> bool:
    if day.weekday() not in WEEKDAYS:
        return False
    if closed is None:
        return not ClosedDay.objects.filter(day=day).exists()
    return day not in closed


def _at(day: datetime.date, moment: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, moment, tzinfo=PACIFIC)
