from django.core.management.base import BaseCommand

from accounts.management.commands.grant_role import find_user_and_role
from accounts.roles import Role, role_revoke


class Command(BaseCommand):
    help = (
        "Take the role ROLE away from the user with EMAIL by removing them from its group "
        '("Editors" or "Mentors"). Revoking "editor" also clears is_staff, so they can no '
        "longer sign in to the admin site, unless they are a superuser. Revoking "
        '"mentor" also takes them off every cohort they mentored, and lists each one: '
        "still mentored by others, or now without a mentor (superusers see it as such in "
        "the admin). Changes nothing if they did not have the role."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The user's email address (case does not matter).")
        parser.add_argument("role", help=f"One of: {', '.join(Role.values)}.")

    def handle(self, *args, email, role, **options):
        user, role = find_user_and_role(email, role)
        # Cohorts are the mentor role's reach; read them before the revocation clears them.
        cohorts = list(user.mentored_cohorts.order_by("name", "id")) if role == Role.MENTOR else []
        if not role_revoke(user=user, role=role):
            self.stdout.write(f"{user.email} did not have the {role} role; nothing changed.")
            return
        if role != Role.MENTOR:
            self.stdout.write(f"Revoked the {role} role from {user.email}.")
            return
        if not cohorts:
            self.stdout.write(f"Revoked the {role} role from {user.email}. They mentored no cohort.")
            return
        which = "the cohort" if len(cohorts) == 1 else f"the {len(cohorts)} cohorts"
        self.stdout.write(
            f"Revoked the {role} role from {user.email}, and took them off {which} they mentored:"
        )
        for cohort in cohorts:
            mentors = ", ".join(str(mentor) for mentor in cohort.mentors.order_by("email"))
            if mentors:
                self.stdout.write(f"  {cohort.name}: still mentored by {mentors}.")
            else:
                self.stdout.write(
                    f"  {cohort.name}: now has no mentor; superusers see it under “no mentor” in the admin."
                )
