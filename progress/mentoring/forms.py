from django import forms

from config.validators import validate_multiline_text, validate_single_line_text
from progress.mentoring.models import Cohort
from progress.models import REFLECTION_MAX_LENGTH


class CohortForm(forms.ModelForm):
    """A cohort's name and optional start date, for creating and renaming."""

    class Meta:
        model = Cohort
        fields = ["name", "start_date"]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "name": "Learners see it when they join, beside your name.",
            "start_date": "Members who have not set a plan of their own start their plan on this date.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(validate_single_line_text)


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label="Comment for the learner (optional)",
        required=False,
        max_length=REFLECTION_MAX_LENGTH,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to the learner with the project.",
    )
