from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def export_user_data(self, user) -> dict:
        """The person's profile, roles, email addresses and admin history, for "Your data"."""
        from allauth.account.models import EmailAddress
        from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry

        addresses = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
        history = LogEntry.objects.filter(user=user).select_related("content_type").order_by("action_time")
        return {
            "profile": {
                "email": user.email,
                "display_name": user.display_name,
                "time_zone": user.time_zone,
                "email_cohort_updates": user.email_cohort_updates,
                "accept_nudges": user.accept_nudges,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
            },
            "roles": sorted(str(role) for role in user.role_names),
            "is_superuser": user.is_superuser,
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in addresses
            ],
            # Changes an editor made in the admin are recorded under their name.
            "admin_history": [
                {
                    "time": entry.action_time,
                    "action": {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}.get(
                        entry.action_flag, "other"
                    ),
                    "object_type": entry.content_type.model if entry.content_type else None,
                    "object": entry.object_repr,
                    "change": entry.get_change_message(),
                }
                for entry in history
            ],
        }
