import re
import secrets

from django import forms
from django.db.models import Value
from django.db.models.functions import Lower

from config.validators import validate_multiline_text, validate_single_line_text
from progress.mentoring.models import NUDGE_MAX_LENGTH, PLACEHOLDERS, Cohort, MentorSettings
from progress.models import REFLECTION_MAX_LENGTH

BATCH_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


class CohortForm(forms.ModelForm):
    """A cohort's name and optional start date, for creating and renaming."""

    class Meta:
        model = Cohort
        fields = ["name", "start_date"]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "name": "Learners see it when they join, beside your name. Each of your cohorts has its own name.",
            "start_date": "Members who have not set a plan of their own start their plan on this date.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(validate_single_line_text)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        # Renaming: the owner's other cohorts keep their names (creating is checked by
        # `cohort_create`, which also answers a form sent twice).
        if self.instance.pk and self.instance.owner_id:
            taken = (
                Cohort.objects.alias(lower_name=Lower("name"))
                .filter(owner_id=self.instance.owner_id, lower_name=Lower(Value(name)))
                .exclude(pk=self.instance.pk)
            )
            if taken.exists():
                raise forms.ValidationError("Its owner already has a cohort of this name.", code="name_taken")
        return name


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label="Comment for the learner (optional)",
        required=False,
        max_length=REFLECTION_MAX_LENGTH,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to the learner with the project.",
    )


def new_batch() -> str:
    """A one-time key for one nudge form, so that sending it twice reaches no one twice."""
    return secrets.token_urlsafe(16)


class NudgeForm(forms.Form):
    message = forms.CharField(
        label="Message",
        max_length=NUDGE_MAX_LENGTH,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text="Filled in for each learner: "
        + ", ".join(f"{placeholder} becomes {meaning}" for placeholder, meaning in PLACEHOLDERS.items())
        + ".",
    )
    remember = forms.BooleanField(
        label="Keep this as my nudge message",
        required=False,
        help_text="The message you start from next time.",
    )
    batch = forms.RegexField(regex=BATCH_SHAPE, widget=forms.HiddenInput)


class MentorSettingsForm(forms.ModelForm):
    class Meta:
        model = MentorSettings
        fields = ["weekly_digest", "nudge_template"]
        labels = {"weekly_digest": "Email me a weekly digest", "nudge_template": "My nudge message"}
        widgets = {"nudge_template": forms.Textarea(attrs={"rows": 7})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nudge_template"].validators.append(validate_multiline_text)
        self.fields["nudge_template"].help_text = NudgeForm.base_fields["message"].help_text
