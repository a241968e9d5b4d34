"""Forms for editing the roadmap in the admin.

Checks live here when the admin needs a clearer message than the database
would give (a link with the wrong scheme, a resource with neither link nor
publisher) or when the rule spans rows (a topic's parent must sit in the same
tree and not below the topic itself).
"""

from operator import itemgetter

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.validators import URLValidator
from django.forms.models import ModelChoiceIterator

from roadmap import trees
from roadmap.models import Community, Resource, Topic

HTTP_URL_MESSAGE = "Enter a web address that starts with http:// or https://."


class HttpUrlField(forms.URLField):
    """A link learners can follow: http or https only, said plainly when it is not."""

    default_validators = [URLValidator(schemes=["http", "https"], message=HTTP_URL_MESSAGE)]
    default_error_messages = {"invalid": HTTP_URL_MESSAGE}

    def to_python(self, value):
        # forms.URLField would quietly turn "javascript:alert(1)" into something
        # else before validating; reject anything naming another scheme as typed.
        value = super(forms.URLField, self).to_python(value).strip()
        scheme, sep, _ = value.partition(":")
        if value and sep and scheme.isalpha() and scheme.lower() not in {"http", "https"}:
            raise forms.ValidationError(HTTP_URL_MESSAGE, code="invalid")
        return super().to_python(value)


class SectionChoiceField(forms.ModelChoiceField):
    """Sections labelled with their phase, since titles repeat across phases."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset.select_related("phase").order_by("phase__number", "order"), **kwargs)

    def label_from_instance(self, section):
        return f"{section.title} (phase {section.phase.number})"


def topics_in_tree_order(topics):
    """Yield (topic, depth) depth-first, siblings in the order given.

    A topic whose parent is not among `topics` is treated as a root, so the
    list still reads as a tree when a subtree has been left out.
    """
    roots, children = trees.children_of(topics)
    yield from trees.depth_first(roots, children)


def descendant_ids(topic):
    """Ids of every topic below `topic` (one query: the whole section's tree)."""
    rows = Topic.objects.filter(section_id=topic.section_id).values("pk", "parent_id")
    _roots, children = trees.children_of(rows, key=itemgetter("pk"), parent_key=itemgetter("parent_id"))
    return {row["pk"] for row in trees.descendants({"pk": topic.pk}, children)}


class TopicTreeIterator(ModelChoiceIterator):
    """Choices in tree order, indented by depth ("— — Self-attention"), grouped by section."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        by_section = {}
        for topic in self.queryset.select_related("section__phase").order_by(
            "section__phase__number", "section__order", "order", "pk"
        ):
            by_section.setdefault(topic.section, []).append(topic)
        groups = [
            (
                f"{section.title} (phase {section.phase.number})",
                [self.tree_choice(t, d) for t, d in topics_in_tree_order(topics)],
            )
            for section, topics in by_section.items()
        ]
        if len(groups) == 1:
            yield from groups[0][1]
        else:
            yield from groups

    def tree_choice(self, topic, depth):
        value, _ = self.choice(topic)
        return value, "— " * depth + topic.title


class TopicParentField(forms.ModelChoiceField):
    iterator = TopicTreeIterator


class TopicAdminForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["section", "parent", "title", "slug", "order"]
        field_classes = {"parent": TopicParentField, "section": SectionChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parent = self.fields.get("parent")
        if parent is None:
            return
        section_id = self.instance.section_id or self.initial.get("section")
        if section_id:
            # Only the topic's own tree, without the topic and what hangs below it.
            choices = Topic.objects.filter(section_id=section_id)
            if self.instance.pk:
                choices = choices.exclude(pk__in={self.instance.pk, *descendant_ids(self.instance)})
            parent.queryset = choices
        parent.help_text = "Leave empty for the first line of a tree. Indented by depth."

    def clean(self):
        cleaned_data = super().clean()
        parent = cleaned_data.get("parent")
        section = cleaned_data.get("section") or getattr(self.instance, "section", None)
        if parent is None or section is None:
            return cleaned_data
        if parent.section_id != section.pk:
            self.add_error("parent", "Choose a parent topic from the same section.")
        elif self.instance.pk and (
            parent.pk == self.instance.pk or parent.pk in descendant_ids(self.instance)
        ):
            self.add_error("parent", "A topic cannot sit under itself or one of its own subtopics.")
        return cleaned_data


class ResourceAdminForm(forms.ModelForm):
    class Meta:
        model = Resource
        fields = [
            "section",
            "topic",
            "kind",
            "title",
            "url",
            "publisher",
            "cost",
            "level",
            "hours",
            "language",
        ]
        fields += ["order"]
        field_classes = {"url": HttpUrlField, "section": SectionChoiceField, "topic": TopicParentField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        topic = self.fields.get("topic")
        if topic is not None:
            if self.instance.section_id:
                topic.queryset = Topic.objects.filter(section_id=self.instance.section_id)
            topic.help_text = (
                "Empty: a resource of the whole section. A topic of the section: shown under it."
            )
        if "language" in self.fields:
            # Django's list of languages, by name (the model keeps only the code).
            self.fields["language"] = forms.ChoiceField(
                choices=settings.LANGUAGES, initial="en", help_text="The language it is in."
            )

    def clean(self):
        cleaned_data = super().clean()
        topic, section = cleaned_data.get("topic"), cleaned_data.get("section") or self.instance.section_id
        section_id = getattr(section, "pk", section)
        if topic is not None and section_id is not None and topic.section_id != section_id:
            self.add_error("topic", "Choose a topic of the resource's section, or leave it empty.")
        url_given = cleaned_data.get("url") or "url" in self.errors
        if "url" in self.fields and not url_given and not cleaned_data.get("publisher"):
            # Said here, in words, rather than by the database constraint's name.
            raise forms.ValidationError("Give the resource a link, or a publisher when it has no link.")
        return cleaned_data

    def validate_constraints(self):
        # clean() has already said in words what the database constraint would
        # say by its name; one message is enough.
        if not self.has_error(NON_FIELD_ERRORS):
            super().validate_constraints()


class CommunityAdminForm(forms.ModelForm):
    class Meta:
        model = Community
        fields = ["roadmap", "name", "url", "order"]
        field_classes = {"url": HttpUrlField}
