"""A learner's plan as an iCalendar feed: one all-day event per phase, over its target window.

A calendar app subscribed to the feed fetches it again now and then and
updates each event it knows by its UID. So a UID names the learner and the
phase (by its stable key), never a date: when the learner changes their
plan's start or pace, the same events move instead of new ones appearing
beside the old. Written with the `icalendar` library (RFC 5545).
"""

import uuid
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event

from progress.figures import Figures

# How often a subscribed calendar should fetch the feed again (clients may choose longer).
REFRESH = timedelta(hours=12)


def event_uid(*, user_id: int, phase_key: str) -> str:
    """The same for a learner's phase whatever their plan's dates, different for everyone else's."""
    name = f"{settings.SITE_URL}/learners/{user_id}/phases/{phase_key}"
    return f"{uuid.uuid5(uuid.NAMESPACE_URL, name)}@{urlsplit(settings.SITE_URL).hostname or 'waymark'}"


def plan_calendar(figures: Figures, *, now: datetime) -> bytes:
    """The learner's plan (the read model's, so it is the dashboard's) as an .ics file; a
    calendar with no event while they have no plan."""
    calendar = Calendar()
    calendar.add("prodid", "-//Waymark//Learning plan//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Waymark: my learning plan")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    plan = figures.plan
    if plan is None:
        calendar.add("x-wr-caldesc", f"No plan yet: set one at {settings.SITE_URL}/plan/")
        return calendar.to_ical()
    calendar.add("x-wr-caldesc", f"Target dates for each phase, from {settings.SITE_URL}/plan/")
    structure = figures.structure
    for target in plan.targets:
        phase = structure.phase_by_id[target.phase.id]
        figure = figures.phase(phase.id)
        url = settings.SITE_URL + phase.url
        event = Event()
        event.add("uid", event_uid(user_id=figures.user_id, phase_key=phase.key))
        event.add("dtstamp", now)
        event.add("dtstart", target.start)
        if target.end is None:
            # An ongoing phase (your chosen path): the day it begins.
            event.add("dtend", target.start + timedelta(days=1))
            event.add("summary", f"Phase {phase.number} begins: {phase.title}")
        else:
            event.add("dtend", target.end)  # all-day events end on the day after, as `end` is
            event.add("summary", f"Phase {phase.number}: {phase.title}")
        if figure.needs_path:
            done = "Choose your path to count this phase."
        else:
            done = f"{figure.tally.completed} of {figure.tally.leaves} topics completed."
        event.add("description", f"{done}\n{url}")
        event.add("url", url)
        event.add("transp", "TRANSPARENT")  # a study window does not make anyone busy
        calendar.add_component(event)
    return calendar.to_ical()
