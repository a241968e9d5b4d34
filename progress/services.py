"""Writes to a learner's progress. Each is safe to call from two tabs at once.

Status rows are saved with an upsert on the (user, topic) unique constraint
(INSERT ... ON CONFLICT DO UPDATE on PostgreSQL and SQLite), never with a
read-modify-write across requests, so concurrent saves leave exactly one row,
and the activity log records each change once, in the order they happened.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from progress.models import (
    LINK_REPORTS_PER_DAY,
    NOTE_MAX_LENGTH,
    REFLECTION_MAX_LENGTH,
    LearnerLink,
    LinkReport,
    PathChoice,
    ProjectProgress,
    ProjectStatus,
    TopicNote,
    TopicProgress,
    TopicStatus,
    link_digest,
    new_link_token,
)
from roadmap.models import Section, Topic

# A status is written by one statement, an upsert on the (user, topic) constraint,
# written out because Django's (bulk_create with update_conflicts) can only copy
# the new values. The database logs the change in that same statement, from the
# row's real old value (a trigger, progress/migrations/0005), so two requests
# changing a topic for the first time at once log "not started -> A" and then
# "A -> B", never two "not started". The upsert also keeps the old status in
# `previous_status` and returns it, and decides which topics it writes as it
# writes: the topic or its whole subtree, and of those only the leaves.
# The same SQL runs on PostgreSQL and SQLite (3.35+).
_UPSERT_STATUSES = """
    WITH RECURSIVE chosen(id) AS (
        SELECT id FROM {topic} WHERE id = %s
        {subtree}
    )
    INSERT INTO {progress} (user_id, topic_id, status, updated_at, previous_status)
    SELECT %s, topic.id, %s, %s, %s FROM {topic} topic
    WHERE topic.id IN (SELECT id FROM chosen)
      AND NOT EXISTS (SELECT 1 FROM {topic} child WHERE child.parent_id = topic.id)
    ON CONFLICT (user_id, topic_id) DO UPDATE SET
        previous_status = {progress}.status,
        status = CASE WHEN {progress}.status IN ({kept}) THEN {progress}.status ELSE excluded.status END,
        updated_at = CASE WHEN {progress}.status = excluded.status OR {progress}.status IN ({kept})
                          THEN {progress}.updated_at ELSE excluded.updated_at END
    RETURNING topic_id, previous_status, status
"""
_SUBTREE = "UNION ALL SELECT child.id FROM {topic} child JOIN chosen ON child.parent_id = chosen.id"


def _upsert_statuses(*, user, topic_id: int, status: str, subtree: bool = False, keep=frozenset()) -> list:
    """Set `status` on the topic (with `subtree`, on every leaf under it) if it is a leaf,
    except where the learner's status is in `keep`; [(topic id, previous status, status
    now)] for every leaf written."""
    table = Topic._meta.db_table
    sql = _UPSERT_STATUSES.format(
        progress=TopicProgress._meta.db_table,
        topic=table,
        subtree=_SUBTREE.format(topic=table) if subtree else "",
        kept=", ".join(["%s"] * len(keep)) or "NULL",
    )
    keep = sorted(keep)
    params = [topic_id, user.pk, status, timezone.now(), TopicStatus.NOT_STARTED, *keep, *keep]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def progress_set_status(*, user, topic, status: str) -> str:
    """Set the learner's status for a leaf topic (a Topic or a structure node); returns the
    previous status. One query.

    Raises ValidationError for an unknown status or a topic that has children
    (a parent's status is derived from its leaves).
    """
    if status not in TopicStatus.values:
        raise ValidationError(f"“{status}” is not a topic status.", code="invalid_status")
    rows = _upsert_statuses(user=user, topic_id=topic.id, status=status)
    if not rows:
        raise ValidationError("Only topics without subtopics have a status of their own.", code="not_leaf")
    return rows[0][1]


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A leaf's status before and after a write: what an undo puts back."""

    topic_id: int
    before: str
    after: str


def progress_set_subtree_status(*, user, topic, status: str = TopicStatus.DONE) -> list[StatusChange]:
    """Set every leaf under `topic` (or the topic itself, if a leaf); returns the leaves
    that changed, with their status before. One query.

    "Mark all done" keeps leaves the learner skipped: skipping says "I already
    know this" or "not for me", which marking a whole tree done should not undo.
    """
    if status not in TopicStatus.values:
        raise ValidationError(f"“{status}” is not a topic status.", code="invalid_status")
    keep = frozenset({TopicStatus.SKIPPED}) if status == TopicStatus.DONE else frozenset()
    rows = _upsert_statuses(user=user, topic_id=topic.id, status=status, subtree=True, keep=keep)
    return [
        StatusChange(topic_id, previous, current)
        for topic_id, previous, current in rows
        if previous != current
    ]


# Undo puts each leaf back, in one statement, where it still has the status the change
# gave it: a leaf the learner changed again since keeps what they chose last. Like the
# upsert, it keeps the replaced status in `previous_status`, and the database logs each
# change (the trigger of progress/migrations/0005).
_RESTORE_STATUSES = """
    WITH restore(topic_id, put_back, changed_to) AS (VALUES {rows})
    UPDATE {progress} SET previous_status = status, status = restore.put_back, updated_at = %s
    FROM restore
    WHERE {progress}.user_id = %s AND {progress}.topic_id = restore.topic_id
      AND {progress}.status = restore.changed_to
    RETURNING {progress}.topic_id, {progress}.previous_status, {progress}.status
"""


def progress_restore_statuses(*, user, changes: Iterable[StatusChange]) -> list[StatusChange]:
    """Put back the learner's statuses from before `changes` (an undo); returns what changed
    back. One query, none when there is nothing to put back."""
    changes = [change for change in changes if change.before != change.after]
    for change in changes:
        if change.before not in TopicStatus.values or change.after not in TopicStatus.values:
            raise ValidationError("An unknown status cannot be put back.", code="invalid_status")
    if not changes:
        return []
    table = TopicProgress._meta.db_table
    rows = ", ".join(
        ["(CAST(%s AS BIGINT), CAST(%s AS VARCHAR(20)), CAST(%s AS VARCHAR(20)))"] * len(changes)
    )
    params = []
    for change in changes:
        params += [change.topic_id, change.before, change.after]
    params += [timezone.now(), user.pk]
    with connection.cursor() as cursor:
        cursor.execute(_RESTORE_STATUSES.format(progress=table, rows=rows), params)
        return [
            StatusChange(topic_id, previous, current) for topic_id, previous, current in cursor.fetchall()
        ]


def note_save(*, user, topic, text: str) -> TopicNote | None:
    """Save the learner's private note on a topic (a Topic or a structure node); an empty
    text deletes it."""
    text = text.strip()
    if not text:
        TopicNote.objects.filter(user=user, topic_id=topic.id).delete()
        return None
    # full_clean() does not check a TextField's max_length (only its form field does).
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"text": ValidationError(f"A note holds at most {NOTE_MAX_LENGTH} characters.", code="too_long")}
        )
    note = TopicNote(user=user, topic_id=topic.id, text=text, updated_at=timezone.now())
    note.full_clean(exclude=["user", "topic"], validate_unique=False, validate_constraints=False)
    TopicNote.objects.bulk_create(
        [note], update_conflicts=True, unique_fields=["user", "topic"], update_fields=["text", "updated_at"]
    )
    return note


_UPSERT_PROJECT = """
    INSERT INTO {table} (user_id, project_id, status, previous_status, evidence_url, reflection, updated_at,
                         review_comment, reviewed_at, reviewed_by_id)
    VALUES (%s, %s, %s, %s, %s, %s, %s, '', NULL, NULL)
    ON CONFLICT (user_id, project_id) DO UPDATE SET
        previous_status = {table}.status,
        status = excluded.status,
        evidence_url = excluded.evidence_url,
        reflection = excluded.reflection,
        updated_at = excluded.updated_at,
        reviewed_at = CASE WHEN {table}.status = %s AND excluded.status <> %s THEN NULL ELSE {table}.reviewed_at END,
        reviewed_by_id = CASE WHEN {table}.status = %s AND excluded.status <> %s THEN NULL
                              ELSE {table}.reviewed_by_id END
"""


def project_update(
    *, user, project, status: str, evidence_url: str = "", reflection: str = ""
) -> ProjectProgress:
    """Record a learner's status, evidence link and reflection for a project idea.

    Reopening a reviewed project (done -> anything else) withdraws the review's
    mark, so finishing it again puts it back in the mentor's "needs review"
    list; the mentor's comment stays for the learner to read. Like a topic's
    status, it is one upsert, and the database logs the change.
    """
    if len(reflection.strip()) > REFLECTION_MAX_LENGTH:
        message = f"A reflection holds at most {REFLECTION_MAX_LENGTH} characters."
        raise ValidationError({"reflection": ValidationError(message, code="too_long")})
    row = ProjectProgress(
        user=user,
        project_id=project.id,
        status=status,
        evidence_url=evidence_url.strip(),
        reflection=reflection.strip(),
        updated_at=timezone.now(),
    )
    row.full_clean(
        exclude=["user", "project", "reviewed_by", "reviewed_at", "review_comment"],
        validate_unique=False,
        validate_constraints=False,
    )
    done = ProjectStatus.DONE
    params = [user.pk, project.id, row.status, ProjectStatus.NOT_STARTED, row.evidence_url, row.reflection]
    params += [row.updated_at, done, done, done, done]
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT_PROJECT.format(table=ProjectProgress._meta.db_table), params)
    return ProjectProgress.objects.select_related("reviewed_by").get(user=user, project_id=project.id)


def path_set_sections(*, user, phase, sections: list[Section]) -> None:
    """Make `sections` the learner's chosen path through an elective phase."""
    if not phase.is_elective:
        raise ValidationError("Only an elective phase has a path to choose.", code="not_elective")
    if any(section.phase_id != phase.pk for section in sections):
        raise ValidationError("Choose sections of this phase.", code="wrong_phase")
    with transaction.atomic():
        PathChoice.objects.filter(user=user, section__phase=phase).exclude(section__in=sections).delete()
        PathChoice.objects.bulk_create(
            [PathChoice(user=user, section=section) for section in sections], ignore_conflicts=True
        )


def link_report_send(*, user, resource_id: int, reason: str, comment: str = "", now=None) -> LinkReport:
    """Report a problem with a resource's link, or change the learner's open report on it.

    A learner sends at most LINK_REPORTS_PER_DAY new reports in 24 hours
    (ValidationError past that); changing an open report does not count. The
    learner's row is locked while counting, so two reports sent at once cannot
    both slip under the limit.
    """
    now = now or timezone.now()
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
        report = LinkReport.objects.open().filter(user=user, resource_id=resource_id).first()
        if report is None:
            recent = LinkReport.objects.filter(user=user, created_at__gt=now - timedelta(days=1)).count()
            if recent >= LINK_REPORTS_PER_DAY:
                raise ValidationError(
                    "You have sent %(limit)d reports today, thank you! Send more tomorrow; nothing was sent.",
                    code="too_many_reports",
                    params={"limit": LINK_REPORTS_PER_DAY},
                )
            report = LinkReport(user=user, resource_id=resource_id, created_at=now)
        report.reason, report.comment = reason, comment
        report.full_clean(exclude=["user", "resource"], validate_unique=False, validate_constraints=False)
        report.save()
    return report


def link_reports_resolve(*, resource, outcome: str, note: str = "", now=None) -> int:
    """Resolve every open report on `resource` with `outcome` and `note` (the learners see both).

    Returns how many reports were resolved."""
    if outcome not in LinkReport.Outcome.values:
        raise ValidationError("Choose an outcome.", code="invalid_outcome")
    return (
        LinkReport.objects.open()
        .filter(resource=resource)
        .update(resolved_at=now or timezone.now(), outcome=outcome, resolution_note=note)
    )


def learner_link_create(*, user, kind: str) -> LearnerLink:
    """Give the learner a new address of this kind (their progress page, their calendar feed);
    the one they had stops working at once."""
    token = new_link_token()
    link, _created = LearnerLink.objects.update_or_create(
        user=user,
        kind=kind,
        defaults={"token": token, "digest": link_digest(token), "created_at": timezone.now()},
    )
    return link


def learner_link_revoke(*, user, kind: str) -> bool:
    """Stop the learner's address of this kind; whether there was one."""
    deleted, _by_model = LearnerLink.objects.filter(user=user, kind=kind).delete()
    return bool(deleted)


def project_reviews_seen(*, user, rows) -> int:
    """Mark the reviews of these rows (the learner's, as their projects page shows them) seen;
    how many were new. One query when one was, none otherwise."""
    new = [row.pk for row in rows if row is not None and row.user_id == user.pk and row.review_is_new]
    if not new:
        return 0
    return ProjectProgress.objects.filter(user=user, pk__in=new).update(review_seen_at=timezone.now())
