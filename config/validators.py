"""Refuse control characters in text people type: names, notes, reflections, comments.

ESC, BEL and their kind are not text. Shown in a terminal (a log, a CSV opened
with `cat`) they act: colour the screen, ring the bell, move the cursor. No one
types them on purpose, so a value holding one is refused with a message and
nothing is saved. Text with lines (a textarea) keeps its line breaks and tabs.

Like RejectNulCharactersMiddleware (config/security.py), this is site-wide input
policy that belongs to no area of the domain.
"""

from django.core.exceptions import ValidationError


def _is_control(character: str) -> bool:
    # C0 (U+0000-U+001F), DEL (U+007F) and C1 (U+0080-U+009F, where U+009B is a
    # terminal's one-character escape sequence introducer).
    return character < " " or "\x7f" <= character <= "\x9f"


def _refuse_controls(value: str, allowed: str) -> None:
    for character in value:
        if _is_control(character) and character not in allowed:
            raise ValidationError(
                "This text contains a control character (U+%(code)04X), which cannot be shown. "
                "Remove it; nothing was saved.",
                code="control_character",
                params={"code": ord(character)},
            )


def validate_single_line_text(value: str) -> None:
    """A name or title: no control character at all, line breaks included."""
    _refuse_controls(value, allowed="")


def validate_multiline_text(value: str) -> None:
    """Text from a textarea: line breaks (LF, CR) and tabs, but no other control character."""
    _refuse_controls(value, allowed="\t\n\r")


def without_control_characters(value: str) -> str:
    """What someone searched for, with any control character dropped: a search saves nothing,
    so there is nothing to refuse, and the words around it still find something."""
    return "".join(character for character in value if not _is_control(character))
