"""{% phase_bars %}: a learner's phases as bars (progress.presentation.phase_bars)."""

from django import template

from progress import presentation

register = template.Library()


@register.simple_tag
def phase_bars(phases, no_path="", in_page=False):
    return presentation.phase_bars(phases, no_path=no_path, in_page=bool(in_page))
