"""The admin as an editor's browser uses it: a form's fields as they would be submitted."""

from html.parser import HTMLParser

from django.urls import reverse


def admin_url(model, view, *args):
    return reverse(f"admin:roadmap_{model._meta.model_name}_{view}", args=args)


class _FormReader(HTMLParser):
    """What a browser would submit from the form with id `form_id`, unchanged."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.select, self.textarea = form_id, False, None, None
        self.data = {}

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        elif not self.inside:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "reset", "file", "image"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.add(attrs["name"], attrs.get("value", "on"))
                return
            self.add(attrs["name"], attrs.get("value", ""))
        elif tag == "select":
            self.select = attrs.get("name")
        elif tag == "option" and self.select and "selected" in attrs:
            self.add(self.select, attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea = attrs.get("name")
            self.add(self.textarea, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data.removeprefix("\n")


def form_data(client, url, model):
    """GET the admin form at `url` and return its fields as a browser would submit them."""
    response = client.get(url)
    assert response.status_code == 200
    reader = _FormReader(f"{model._meta.model_name}_form")
    reader.feed(response.text)
    assert reader.data, "no form found"
    return reader.data


def errors_of(response):
    form = response.context["adminform"].form
    messages = []
    for errors in form.errors.values():
        messages.extend(errors)
    for formset in response.context["inline_admin_formsets"]:
        for errors in formset.formset.errors:
            for field_errors in errors.values():
                messages.extend(field_errors)
        messages.extend(formset.formset.non_form_errors())
    return messages
