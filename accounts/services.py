"""Actions on a person's whole account: export everything, delete everything."""

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

EXPORT_FORMAT = "waymark-user-data/1"


def user_export_data(*, user) -> dict:
    """Everything Waymark stores about `user`, as JSON-ready data, one section per app.

    Any installed app contributes its part by defining, on its AppConfig,
    `export_user_data(self, user) -> dict`; the section appears under the app's
    label (`"accounts"`, `"progress"`, ...). Accounts never imports the other
    apps, so a new app adds to the download without changing this function.
    Dates may stay `date`/`datetime` objects: the caller encodes them.
    """
    data = {
        "format": EXPORT_FORMAT,
        "site": settings.SITE_URL,
        "exported_at": timezone.now(),
    }
    for config in apps.get_app_configs():
        export = getattr(config, "export_user_data", None)
        if callable(export):
            data[config.label] = export(user)
    return data


def user_delete(*, user) -> None:
    """Delete the account and everything stored about the person.

    Every row that belongs to a person references the user with
    `on_delete=CASCADE`, so the database removes it all in this one
    transaction. A row that must outlive its author (PROTECT) raises
    `ProtectedError` and nothing is deleted.
    """
    with transaction.atomic():
        user.delete()
