"""Writes to a learner's progress. Each is safe to call from two tabs at once.

Status rows are saved with an upsert on the (user, topic) unique constraint
(INSERT ... ON CONFLICT DO UPDATE on PostgreSQL and SQLite), never with a
read-modify-write across requests, so concurrent saves leave exactly one row.
Writes that log a change first lock the learner's row (`_lock_learner`), so
the "from" they log is the status the change really replaced.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from progress.models import (
    NOTE_MAX_LENGTH,
    REFLECTION_MAX_LENGTH,
    Activity,
    PathChoice,
    ProjectProgress,
    ProjectStatus,
    TopicNote,
    TopicProgress,
    TopicStatus,
)
from roadmap.models import ProjectIdea, Section, Topic


def _lock_learner(user) -> None:
    """Make the learner's concurrent progress writes take turns, until the transaction ends.

    Each write reads the previous status to log "from -> to". Locking the
    progress row itself is not enough: a topic's first change has no row yet,
    so two requests both read "not started" and both logged it. The learner's
    own row always exists. Called first in the transaction: the previous
    status and the time are read only once it is this request's turn.
    """
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))


def _is_leaf(topic: Topic) -> bool:
    return not Topic.objects.filter(parent=topic).exists()


def progress_set_status(*, user, topic: Topic, status: str) -> str:
    """Set the learner's status for a leaf topic; returns the previous status.

    Raises ValidationError for an unknown status or a topic that has children
    (a parent's status is derived from its leaves).
    """
    if status not in TopicStatus.values:
        raise ValidationError(f"“{status}” is not a topic status.", code="invalid_status")
    if not _is_leaf(topic):
        raise ValidationError("Only topics without subtopics have a status of their own.", code="not_leaf")
    with transaction.atomic():
        _lock_learner(user)
        now = timezone.now()
        previous = (
            TopicProgress.objects.filter(user=user, topic=topic).values_list("status", flat=True).first()
        ) or TopicStatus.NOT_STARTED
        TopicProgress.objects.bulk_create(
            [TopicProgress(user=user, topic=topic, status=status, updated_at=now)],
            update_conflicts=True,
            unique_fields=["user", "topic"],
            update_fields=["status", "updated_at"],
        )
        if previous != status:
            Activity.objects.create(
                user=user,
                kind=Activity.Kind.TOPIC,
                topic=topic,
                from_status=previous,
                to_status=status,
                created_at=now,
            )
    return previous


def progress_set_subtree_status(*, user, topic: Topic, status: str = TopicStatus.DONE) -> int:
    """Set every leaf under `topic` (or the topic itself, if a leaf); returns how many changed.

    "Mark all done" keeps leaves the learner skipped: skipping says "I already
    know this" or "not for me", which marking a whole tree done should not undo.
    """
    if status not in TopicStatus.values:
        raise ValidationError(f"“{status}” is not a topic status.", code="invalid_status")
    section_topics = list(Topic.objects.filter(section_id=topic.section_id).only("id", "parent_id"))
    children: dict[int | None, list[int]] = {}
    for node in section_topics:
        children.setdefault(node.parent_id, []).append(node.id)
    leaves, stack = [], [topic.id]
    while stack:
        node_id = stack.pop()
        if node_id in children:
            stack.extend(children[node_id])
        else:
            leaves.append(node_id)
    with transaction.atomic():
        _lock_learner(user)
        now = timezone.now()
        previous = dict(
            TopicProgress.objects.filter(user=user, topic_id__in=leaves).values_list("topic_id", "status")
        )
        kept = {status} | ({TopicStatus.SKIPPED} if status == TopicStatus.DONE else set())
        changed = [leaf for leaf in leaves if previous.get(leaf, TopicStatus.NOT_STARTED) not in kept]
        TopicProgress.objects.bulk_create(
            [TopicProgress(user=user, topic_id=leaf, status=status, updated_at=now) for leaf in changed],
            update_conflicts=True,
            unique_fields=["user", "topic"],
            update_fields=["status", "updated_at"],
        )
        Activity.objects.bulk_create(
            Activity(
                user=user,
                kind=Activity.Kind.TOPIC,
                topic_id=leaf,
                from_status=previous.get(leaf, TopicStatus.NOT_STARTED),
                to_status=status,
                created_at=now,
            )
            for leaf in changed
        )
    return len(changed)


def note_save(*, user, topic: Topic, text: str) -> TopicNote | None:
    """Save the learner's private note on a topic; an empty text deletes it."""
    text = text.strip()
    if not text:
        TopicNote.objects.filter(user=user, topic=topic).delete()
        return None
    # full_clean() does not check a TextField's max_length (only its form field does).
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"text": ValidationError(f"A note holds at most {NOTE_MAX_LENGTH} characters.", code="too_long")}
        )
    note = TopicNote(user=user, topic=topic, text=text, updated_at=timezone.now())
    note.full_clean(exclude=["user", "topic"], validate_unique=False, validate_constraints=False)
    TopicNote.objects.bulk_create(
        [note], update_conflicts=True, unique_fields=["user", "topic"], update_fields=["text", "updated_at"]
    )
    return TopicNote.objects.get(user=user, topic=topic)


def project_update(
    *, user, project: ProjectIdea, status: str, evidence_url: str = "", reflection: str = ""
) -> ProjectProgress:
    """Record a learner's status, evidence link and reflection for a project idea.

    Reopening a reviewed project (done -> anything else) withdraws the review's
    mark, so finishing it again puts it back in the mentor's "needs review"
    list; the mentor's comment stays for the learner to read.
    """
    if len(reflection.strip()) > REFLECTION_MAX_LENGTH:
        message = f"A reflection holds at most {REFLECTION_MAX_LENGTH} characters."
        raise ValidationError({"reflection": ValidationError(message, code="too_long")})
    row = ProjectProgress(
        user=user,
        project=project,
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
    with transaction.atomic():
        _lock_learner(user)
        now = row.updated_at = timezone.now()
        previous = (
            ProjectProgress.objects.filter(user=user, project=project)
            .values_list("status", flat=True)
            .first()
        ) or ProjectStatus.NOT_STARTED
        ProjectProgress.objects.bulk_create(
            [row],
            update_conflicts=True,
            unique_fields=["user", "project"],
            update_fields=["status", "evidence_url", "reflection", "updated_at"],
        )
        if previous == ProjectStatus.DONE and status != ProjectStatus.DONE:
            ProjectProgress.objects.filter(user=user, project=project).update(
                reviewed_at=None, reviewed_by=None
            )
        if previous != status:
            Activity.objects.create(
                user=user,
                kind=Activity.Kind.PROJECT,
                project=project,
                from_status=previous,
                to_status=status,
                created_at=now,
            )
    return ProjectProgress.objects.get(user=user, project=project)


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
