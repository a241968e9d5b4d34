"""What every content admin shares: keys set on creation, history, learners' rows counted, not named.

A row's `key` is its identity for fixtures and learner progress, so editors
never type or change one: a new row gets the key the importer would give it
(`roadmap.keys`); after that it is read-only.
"""

from collections import Counter

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.db import router
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from roadmap import prose
from roadmap.forms import SectionChoiceField
from roadmap.keys import new_key
from roadmap.models import LinkCheck, Section

admin.site.site_header = "Waymark admin"
admin.site.site_title = "Waymark admin"
admin.site.index_title = "Roadmap content"


def markdown_preview(text: str):
    """What learners will see of `text`: rendered and sanitized as the site does (roadmap.prose)."""
    html = prose.render(text, heading_level=4)
    if not html:
        return "Nothing yet: write some Markdown above and save to preview it."
    return format_html('<div class="markdown-preview">{}</div>', mark_safe(html))  # noqa: S308 - sanitized


class KeyedAdmin(SimpleHistoryAdmin):
    """Key set on creation and read-only afterwards; new inline rows get keys too.

    Every change is recorded (django-simple-history): the History button lists
    who changed what and when, field by field, and any earlier version can be
    opened and saved back ("Revert"), which is itself an ordinary, recorded
    change that gives the content a new version.
    """

    exclude = ("key",)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "key") if obj is not None else readonly

    def get_fields(self, request, obj=None):
        # What editors write first; the position among siblings, then the
        # (read-only) key, last.
        fields = [name for name in super().get_fields(request, obj) if name not in {"order", "key"}]
        return [*fields, "order", *(["key"] if obj is not None else [])]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.key = new_key(obj)
        match = request.resolver_match
        if match and match.url_name.endswith("_simple_history"):  # a revert, from the history
            version = match.kwargs.get("version_id") or (match.args[1] if len(match.args) > 1 else "")
            obj._change_reason = f"Reverted to version {version}"
        super().save_model(request, obj, form, change)

    def get_deleted_objects(self, objs, request):
        """Django's list, except that learners' rows blocking a delete are counted, not named.

        Content that learner progress points at is protected (on_delete=PROTECT).
        Django would name each protecting row ("Lena Learner · Chain rule: Done"),
        showing editors people they have no permission to see, and would call it
        a missing permission when no permission would allow the delete.
        """
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        collector = NestedObjects(using=router.db_for_write(self.model), origin=objs)
        collector.collect(objs)
        # Rows that only describe the content go with it and need no permission of their
        # own: a resource's link check, learners' reports on it (the delete answers them).
        perms_needed = perms_needed - {
            model._meta.verbose_name
            for model in collector.model_objs
            if issubclass(model, LinkCheck) or model._meta.app_label != self.model._meta.app_label
        }
        if not protected:
            return deleted, counts, perms_needed, protected
        content, others = [], Counter()
        for obj in collector.protected:
            if obj._meta.app_label == self.model._meta.app_label:
                content.append(f"{capfirst(obj._meta.verbose_name)}: {obj}")
            else:
                others[obj._meta.verbose_name_plural] += 1
        protected = sorted(content) + [
            f"{capfirst(name)}: {ngettext('%d record', '%d records', n) % n} of learners, not shown here"
            for name, n in sorted(others.items())
        ]
        only_protecting = {obj._meta.verbose_name for obj in collector.protected} - {
            model._meta.verbose_name for model in collector.model_objs
        }
        return deleted, counts, perms_needed - only_protecting, protected

    def prepare_inline_row(self, row, formset):
        """Fill in what a new inline row needs besides its key (a hook for subclasses)."""

    def save_formset(self, request, form, formset, change):
        rows = formset.save(commit=False)
        for row in formset.deleted_objects:
            row.delete()
        for row in rows:
            if row.pk is None:
                self.prepare_inline_row(row, formset)
                row.key = new_key(row)
            row.save()
        formset.save_m2m()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Section:
            kwargs["form_class"] = SectionChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class KeyedInline:
    """Inline rows: no key field at all; KeyedAdmin.save_formset assigns it."""

    exclude = ("key",)
    extra = 0
