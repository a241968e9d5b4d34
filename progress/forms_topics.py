"""Forms behind the learner's controls on the roadmap pages: topic status, notes, path, projects, link reports."""

from django import forms
from django.core.validators import URLValidator

from config.validators import validate_multiline_text, validate_single_line_text
from progress.models import (
    LINK_REPORT_COMMENT_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    REFLECTION_MAX_LENGTH,
    LinkReport,
    ProjectStatus,
    TopicStatus,
)
from roadmap.models import Section


class PlainTextField(forms.CharField):
    """Text from a textarea. Browsers send its line breaks as CRLF but count each
    as one character against `maxlength`; counting them as one here too keeps
    a note the browser let through from being refused for its line breaks.
    Other control characters are refused."""

    default_validators = [validate_multiline_text]

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


class HttpURLField(forms.URLField):
    """A web address: http or https only, so a link never runs script (javascript:) or leaves the web."""

    default_validators = [URLValidator(schemes=["http", "https"])]
    default_error_messages = {"invalid": "Enter a web address starting with http:// or https://."}


class LinkReportForm(forms.Form):
    """A learner's report on a resource's link, from the control beside it."""

    reason = forms.ChoiceField(
        choices=LinkReport.Reason.choices, error_messages={"required": "Say what is wrong with the link."}
    )
    comment = forms.CharField(
        required=False,
        max_length=LINK_REPORT_COMMENT_MAX_LENGTH,
        strip=True,
        validators=[validate_single_line_text],
    )


class TopicStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=TopicStatus.choices,
        error_messages={
            "required": "Choose a status.",
            "invalid_choice": "“%(value)s” is not a topic status.",
        },
    )


class UndoForm(forms.Form):
    token = forms.CharField(max_length=4000, error_messages={"required": "Nothing to undo."})


class NoteForm(forms.Form):
    text = PlainTextField(
        label="Note",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": "A note holds at most %(limit_value)d characters (this one has %(show_value)d)."
        },
    )


class SectionsField(forms.ModelMultipleChoiceField):
    """Section ids. One too large for a database integer is refused as an unknown choice
    before the query: SQLite would raise OverflowError on it (a 500) rather than find nothing."""

    def clean(self, value):
        for pk in value or []:
            if isinstance(pk, str) and pk.isdigit() and int(pk) >= 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super().clean(value)


class PathForm(forms.Form):
    """The sections of an elective phase the learner follows (none is a valid answer)."""

    sections = SectionsField(
        queryset=Section.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose sections of this phase."},
    )

    def __init__(self, *args, phase, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].queryset = phase.sections.order_by("order", "id")


class ProjectProgressForm(forms.Form):
    """A learner's status, evidence link and reflection for one project idea."""

    status = forms.ChoiceField(
        label="Status",
        choices=ProjectStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "“%(value)s” is not a project status."},
    )
    evidence_url = HttpURLField(
        label="Evidence link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Optional: the code, demo or write-up (http or https).",
    )
    reflection = PlainTextField(
        label="Reflection",
        required=False,
        max_length=REFLECTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Optional: what you learned, in up to {REFLECTION_MAX_LENGTH} characters.",
        error_messages={
            "max_length": "A reflection holds at most %(limit_value)d characters (this one has %(show_value)d)."
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
