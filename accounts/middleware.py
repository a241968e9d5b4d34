import zoneinfo

from django.utils import timezone


class TimezoneMiddleware:
    """Show dates, times and "today" in the signed-in person's own time zone.

    Anonymous visitors, and anyone whose stored zone this system does not know
    (a zone database older than the one it was chosen from), see UTC.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone:
            try:
                zone = zoneinfo.ZoneInfo(user.time_zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                zone = None
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            # The worker thread serves other people next.
            timezone.deactivate()
