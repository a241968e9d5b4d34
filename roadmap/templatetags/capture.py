"""{% capture name %}...{% endcapture %}: render a part of a template once, use it several times.

base.html gives a page's title to <title> and to link previews (og:title), and
its description to both <meta name="description"> and og:description. A block
renders only where it stands, so base.html captures each block once, inside
this tag, and writes the result wherever it is needed.
"""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


class CaptureNode(template.Node):
    def __init__(self, name, nodelist):
        self.name = name
        self.nodelist = nodelist  # found by {% extends %}, so the blocks inside it can be overridden

    def render(self, context):
        # Rendered by the template engine, so escaped already.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    try:
        _tag, name = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError("{% capture %} takes one name: {% capture page_title %}") from None
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(name, nodelist)
