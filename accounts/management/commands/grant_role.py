from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import Role, role_grant


def find_user_and_role(email: str, role: str):
    """The user with this email (any case) and the Role, or a CommandError saying which is wrong."""
    try:
        role = Role(role)
    except ValueError:
        raise CommandError(f'Unknown role "{role}". Choose one of: {", ".join(Role.values)}.') from None
    try:
        user = get_user_model().objects.get(email__iexact=email)
    except get_user_model().DoesNotExist:
        raise CommandError(f"No user has the email address {email}.") from None
    return user, role


class Command(BaseCommand):
    help = (
        "Give the user with EMAIL the role ROLE by adding them to its group "
        '("Editors" or "Mentors"). Granting "editor" also sets is_staff so they can '
        "sign in to the admin site. Changes nothing if they already have the role."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The user's email address (case does not matter).")
        parser.add_argument("role", help=f"One of: {', '.join(Role.values)}.")

    def handle(self, *args, email, role, **options):
        user, role = find_user_and_role(email, role)
        if role_grant(user=user, role=role):
            self.stdout.write(f"Granted the {role} role to {user.email}.")
        else:
            self.stdout.write(f"{user.email} already had the {role} role; nothing changed.")
