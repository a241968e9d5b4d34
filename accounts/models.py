from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        # Sign-in by email ignores case: "Ada@Example.com" is the same person.
        return self.get(email__iexact=email)

    def for_session(self):
        """Users with what every page asks of the signed-in person, read with them in one query:
        their roles, whether they belong to a cohort, whether an address is verified.
        `accounts.backends` loads the session's user this way (see `from_session_row`)."""
        from allauth.account.models import EmailAddress

        from accounts.roles import GROUP_NAMES, Role

        groups = self.model.groups.through.objects.filter(user_id=OuterRef("pk"))
        memberships = self.model._meta.get_field("cohort_memberships").related_model
        return self.get_queryset().annotate(
            in_editors=Exists(groups.filter(group__name=GROUP_NAMES[Role.EDITOR])),
            in_mentors=Exists(groups.filter(group__name=GROUP_NAMES[Role.MENTOR])),
            in_a_cohort=Exists(memberships.objects.filter(user_id=OuterRef("pk"))),
            email_verified=Exists(EmailAddress.objects.filter(user_id=OuterRef("pk"), verified=True)),
        )


class User(AbstractBaseUser, PermissionsMixin):
    """A person using Waymark. People sign in with their email address."""

    email = models.EmailField("email address", max_length=254, unique=True)
    display_name = models.CharField(
        max_length=80, blank=True, help_text="Shown to others instead of the email address."
    )
    time_zone = models.CharField(max_length=64, default="UTC")
    email_cohort_updates = models.BooleanField(
        "email me about my cohort",
        default=True,
        help_text="News from your cohort and your mentor's replies, by email.",
    )
    accept_nudges = models.BooleanField(
        "let my mentors nudge me",
        default=True,
        help_text="A short note from your cohort's mentor when you seem stuck or quiet, on your "
        "dashboard, and by email if you get emails about your cohort. Your mentors see if this is off.",
    )
    is_staff = models.BooleanField(
        default=False, help_text="Can sign in to the admin site (editors and superusers)."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.display_name or self.email

    def get_short_name(self):
        return self.display_name or self.email.split("@")[0]

    def get_full_name(self):
        return self.display_name or self.email

    def from_session_row(self) -> "User":
        """Keep the roles read by `User.objects.for_session()`, so checking them costs no query."""
        from accounts.roles import Role

        roles = {Role.EDITOR: self.in_editors, Role.MENTOR: self.in_mentors}
        self.__dict__["role_names"] = frozenset(role for role, held in roles.items() if held)
        return self

    # Roles: the checks live here and in accounts.roles, nowhere else.
    @cached_property
    def role_names(self) -> frozenset[str]:
        """Names of the role groups the user is in (one query, then cached on the instance)."""
        from accounts.roles import GROUP_NAMES

        names = set(self.groups.filter(name__in=GROUP_NAMES.values()).values_list("name", flat=True))
        return frozenset(role for role, group in GROUP_NAMES.items() if group in names)

    @property
    def is_editor(self) -> bool:
        return self.is_superuser or "editor" in self.role_names

    @property
    def is_mentor(self) -> bool:
        return "mentor" in self.role_names
