from django.core.management.base import BaseCommand

from accounts.management.commands.grant_role import find_user_and_role
from accounts.roles import Role, role_revoke


class Command(BaseCommand):
    help = (
        "Take the role ROLE away from the user with EMAIL by removing them from its group "
        '("Editors" or "Mentors"). Revoking "editor" also clears is_staff, so they can no '
        "longer sign in to the admin site, unless they are a superuser. Changes nothing "
        "if they did not have the role."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The user's email address (case does not matter).")
        parser.add_argument("role", help=f"One of: {', '.join(Role.values)}.")

    def handle(self, *args, email, role, **options):
        user, role = find_user_and_role(email, role)
        if role_revoke(user=user, role=role):
            self.stdout.write(f"Revoked the {role} role from {user.email}.")
        else:
            self.stdout.write(f"{user.email} did not have the {role} role; nothing changed.")
