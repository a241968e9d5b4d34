import zoneinfo
from functools import cache

from allauth.account import forms as allauth_forms
from django import forms

from accounts.models import User
from config.validators import validate_single_line_text


@cache
def time_zone_choices() -> list:
    """Every zone name this system knows, grouped by region for a shorter select.

    "Europe/Paris" is listed as "Paris" under "Europe"; names without a region
    ("UTC") go under "Other".
    """
    regions: dict[str, list] = {}
    for name in sorted(zoneinfo.available_timezones()):
        region, _, place = name.partition("/")
        if place:
            regions.setdefault(region, []).append((name, place.replace("_", " ")))
        else:
            regions.setdefault("Other", []).append((name, name))
    other = regions.pop("Other", [])
    return [*sorted(regions.items()), ("Other", other)]


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=time_zone_choices,
        help_text="Dates, times and “today” are shown in this zone.",
    )

    class Meta:
        model = User
        fields = ["display_name", "time_zone", "email_cohort_updates", "accept_nudges"]
        labels = {
            "display_name": "Display name",
            "email_cohort_updates": "Email me about my cohort",
            "accept_nudges": "Let my mentors nudge me",
        }
        help_texts = {
            "display_name": "Shown to your mentor and cohort instead of your email address. Up to 80 characters.",
        }
        widgets = {"display_name": forms.TextInput(attrs={"autocomplete": "nickname"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].validators.append(validate_single_line_text)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To be sure it is you.",
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password. Nothing was deleted.", code="incorrect")
        return password


class LoginForm(allauth_forms.LoginForm):
    """allauth's sign-in form, in the site's words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Email address"
        if "remember" in self.fields:
            self.fields["remember"].label = "Remember me on this device"
