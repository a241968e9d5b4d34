"""Forms of the progress app."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format

from config.validators import without_control_characters
from progress.models import LearnerLink, LearningPlan
from progress.plan import EARLIEST_START, latest_start


class PlanForm(forms.ModelForm):
    """A start date and a pace. Dates outside 2000 .. two years from today are refused."""

    class Meta:
        model = LearningPlan
        fields = ["start_date", "pace"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "pace": forms.RadioSelect,
        }
        labels = {"start_date": "Start date"}
        help_texts = {"start_date": "The day you started, or will start, the roadmap."}
        error_messages = {"start_date": {"invalid": "Enter a date such as 2025-09-01."}}

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        field = self.fields["start_date"]
        # <input type="date"> sends ISO dates; accept only those, so "03/04/2025" is not guessed at.
        field.input_formats = ["%Y-%m-%d"]
        field.widget.attrs.update(min=EARLIEST_START.isoformat(), max=latest_start(self.today).isoformat())

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        if start < EARLIEST_START:
            raise forms.ValidationError(
                f"Choose a date from {date_format(EARLIEST_START)} on.", code="too_early"
            )
        latest = latest_start(self.today)
        if start > latest:
            raise forms.ValidationError(
                f"Choose a date no later than {date_format(latest)} (two years from today).",
                code="too_late",
            )
        return start


class NoteFilterForm(forms.Form):
    """The notes page's filter: a phase, and words in a note or its topic's title (both optional)."""

    phase = forms.ChoiceField(label="Phase", required=False)
    q = forms.CharField(
        label="Containing",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args, phases, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = [("", "Every phase")] + [
            (phase.slug, f"Phase {phase.number}: {phase.title}") for phase in phases
        ]

    def clean_q(self):
        return without_control_characters(self.cleaned_data["q"]).strip()


class LinkForm(forms.Form):
    """Make (or replace) or stop one of the learner's addresses."""

    kind = forms.ChoiceField(choices=LearnerLink.Kind.choices)
    action = forms.ChoiceField(choices=[("create", "Make a new address"), ("revoke", "Stop it")])
