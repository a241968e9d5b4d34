"""The Undo offered after "Mark all done": a token that puts back exactly what it changed.

The token carries the learner, the topic and each leaf's status before and
after, signed with the site's secret (`django.core.signing`) and dated, so it
cannot be forged or altered to write anyone else's statuses, nor kept for
later: it works for `MAX_AGE` seconds, for the learner it was made for, on
the topic it was made on. Nothing is stored on the server. The undo itself
writes through `progress.services.progress_restore_statuses`.
"""

from django.core import signing
from django.core.exceptions import ValidationError

from progress.services import StatusChange

SALT = "progress.undo.done-all"
# Without JavaScript, the phase page the learner is sent back to offers the undo: the
# token waits in their session for that one page.
SESSION_KEY = "progress_undo"
MAX_AGE = 30 * 60  # seconds: an undo belongs to the moment after the change


def undo_token(*, user, topic, changes: list[StatusChange]) -> str:
    payload = {
        "user": user.pk,
        "topic": topic.id,
        "changes": [[change.topic_id, change.before, change.after] for change in changes],
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def undo_changes(token: str, *, user, topic) -> list[StatusChange]:
    """The changes a token undoes; ValidationError when it is forged, altered, expired, or
    made for another learner or topic."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(
            "This undo has expired. Change the topics one by one instead.", code="expired"
        ) from None
    except signing.BadSignature:
        raise ValidationError("This undo is not valid.", code="invalid") from None
    if payload.get("user") != user.pk or payload.get("topic") != topic.id:
        raise ValidationError("This undo is not valid.", code="invalid")
    return [StatusChange(topic_id, before, after) for topic_id, before, after in payload["changes"]]
