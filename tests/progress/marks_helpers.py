"""Topics, requests and growth shared by the tests of the learner's marks on the roadmap pages."""

from django.utils import timezone

from progress.models import TopicNote, TopicProgress
from roadmap.models import Section, Topic

ROOT_KEY = "ai-ml-roadmap-2025/prerequisites"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/phases/prerequisites/"}


def topic(path: str) -> Topic:
    """A topic of the Prerequisites phase by the end of its key, e.g. "python-proficiency/python-for-ai-ml"."""
    return Topic.objects.select_related("section__phase").get(key=f"{ROOT_KEY}/{path}")


def python_root() -> Topic:
    """The tree "Python for AI/ML": a root with seven leaves."""
    return topic("python-proficiency/python-for-ai-ml")


def type_hints() -> Topic:
    """A leaf of "Python for AI/ML"."""
    return topic("python-proficiency/python-for-ai-ml/type-hints")


def linear_algebra() -> Topic:
    """A branch with four leaves, under the root "Math for ML"."""
    return topic("mathematics-foundations/math-for-ml/linear-algebra")


def mark(user, topics, status) -> None:
    now = timezone.now()
    TopicProgress.objects.bulk_create(
        [TopicProgress(user=user, topic=t, status=status, updated_at=now) for t in topics],
        update_conflicts=True,
        unique_fields=["user", "topic"],
        update_fields=["status"],
    )


def write_notes(user, topics, text="A note") -> None:
    now = timezone.now()
    TopicNote.objects.bulk_create(
        TopicNote(user=user, topic=t, text=f"{text} {t.pk}", updated_at=now) for t in topics
    )


def grow(section: Section, *, trees=5, leaves=10) -> list[Topic]:
    """Add `trees` roots of `leaves` leaves each (and a level between) to a section; returns the new leaves."""
    new_leaves = []
    for n in range(trees):
        root = Topic.objects.create(
            section=section,
            slug=f"extra-{n}",
            title=f"Extra {n}",
            key=f"{section.key}/extra-{n}",
            order=100 + n,
        )
        middle = Topic.objects.create(
            section=section, parent=root, slug="more", title="More", key=f"{root.key}/more"
        )
        for m in range(leaves):
            new_leaves.append(
                Topic.objects.create(
                    section=section,
                    parent=middle,
                    slug=f"leaf-{m}",
                    title=f"Leaf {n}.{m}",
                    key=f"{middle.key}/leaf-{m}",
                    order=m,
                )
            )
    return new_leaves
