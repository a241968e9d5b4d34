from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.roles import Role, role_grant
from progress.demo import seed_demo_progress

# Published in the README: these accounts exist only on development machines.
DEMO_PEOPLE = (
    # (email, password, display name, role)
    ("learner@waymark.local", "waymark-learner-demo", "Demo Learner", None),
    ("editor@waymark.local", "waymark-editor-demo", "Demo Editor", Role.EDITOR),
    ("mentor@waymark.local", "waymark-mentor-demo", "Demo Mentor", Role.MENTOR),
)


class Command(BaseCommand):
    help = (
        "Development only (refuses unless DEBUG is on): create or update three demo people, "
        "learner@, editor@ and mentor@waymark.local, each with a fixed password (printed), a "
        "confirmed primary email address, and the editor or mentor role. Once the roadmap is "
        "loaded, it also gives the demo learner a plan and weeks of progress, notes and a reviewed "
        "project (unless they have progress already), and the demo mentor a cohort of twelve "
        "learners (@cohort.waymark.local, who cannot sign in) on track, ahead, behind, inactive, "
        "stuck and waiting for review, made afresh each run. Running it again resets the three "
        "passwords and the cohort, and changes nothing else."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Show what would change and roll it back.")

    def handle(self, *args, dry_run=False, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts whose passwords are published in the README; "
                "it runs only with DEBUG on (as `make run` does)."
            )
        User = get_user_model()
        created = 0
        with transaction.atomic():
            for email, password, display_name, role in DEMO_PEOPLE:
                user, was_created = User.objects.get_or_create(
                    email=email, defaults={"display_name": display_name}
                )
                created += was_created
                user.set_password(password)
                user.save(update_fields=["password"])
                EmailAddress.objects.update_or_create(
                    user=user, email=email, defaults={"verified": True, "primary": True}
                )
                if role is not None:
                    role_grant(user=user, role=role)
                self.stdout.write(f"  {email:<24} password: {password:<22} role: {role or 'learner'}")
            demo = seed_demo_progress(
                learner=User.objects.get(email=DEMO_PEOPLE[0][0]),
                mentor=User.objects.get(email=DEMO_PEOPLE[2][0]),
                user_model=User,
            )
            if dry_run:
                transaction.set_rollback(True)
        verb = "Would create" if dry_run else "Created"
        self.stdout.write(
            f"{verb} {created} demo people and updated {len(DEMO_PEOPLE) - created} (sign in at /accounts/login/)."
        )
        if demo:
            learner = "with weeks of progress" if demo["learner_seeded"] else "keeping the progress they have"
            self.stdout.write(
                f"The demo mentor's “{demo['cohort'].name}” has {demo['cohort_learners']} learners in every state; "
                f"the demo learner is in it, {learner}."
            )
        else:
            self.stdout.write("No roadmap is loaded: no demo progress (load fixtures/roadmap.json first).")
