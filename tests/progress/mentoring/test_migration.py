"""The mentoring migration keeps every cohort: each gets an owner (its first mentor) and a co-mentor
link of its own, and duplicates the double-submit bug made are told apart before the database
starts refusing them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("progress", "0006_editors_leave_cohorts_to_superusers"),
    ("accounts", "0003_user_email_cohort_updates"),
]
AFTER = [("progress", "0007_mentoring"), ("accounts", "0004_user_accept_nudges")]


@pytest.fixture
def executor():
    """Migrations run back and forth; afterwards the database is at the latest again, so the
    tests after this one (on the same worker) find every table and column."""
    executor = MigrationExecutor(connection)
    yield executor
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


# Serialized rollback, like the other tests that flush the database: the rows the data
# migrations made come back for the tests after it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_cohorts_get_an_owner_a_co_mentor_link_and_names_of_their_own(executor):
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User, Cohort, Membership = (
        old.get_model(*name)
        for name in [("accounts", "User"), ("progress", "Cohort"), ("progress", "Membership")]
    )
    first = User.objects.create(email="first@example.com")
    second = User.objects.create(email="second@example.com")
    learner = User.objects.create(email="learner@example.com")
    twice = [Cohort.objects.create(name="Spring", invite_token=f"token-{i}") for i in range(3)]
    twice[2].name = "SPRING"
    twice[2].save()
    for cohort in twice:
        cohort.mentors.add(first)  # one at a time: "first" is the one added first
        cohort.mentors.add(second)
    theirs = Cohort.objects.create(name="Spring", invite_token="token-theirs")
    theirs.mentors.add(second)
    orphan = Cohort.objects.create(name="Nobody's", invite_token="token-orphan")
    Membership.objects.create(cohort=twice[0], user=learner)

    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Cohort = new.get_model("progress", "Cohort")
    rows = {row.invite_token: row for row in Cohort.objects.all()}
    assert [rows[f"token-{i}"].name for i in range(3)] == ["Spring", "Spring (2)", "SPRING (3)"]
    assert {rows[f"token-{i}"].owner_id for i in range(3)} == {first.pk}
    assert (rows["token-theirs"].name, rows["token-theirs"].owner_id) == ("Spring", second.pk)
    assert (rows["token-orphan"].name, rows["token-orphan"].owner_id) == ("Nobody's", None)
    tokens = [row.mentor_invite_token for row in rows.values()]
    assert len(set(tokens)) == len(tokens) and all(len(token) == 43 for token in tokens)
    assert all(row.archived_at is None for row in rows.values())  # nothing is archived by it
    assert new.get_model("progress", "Membership").objects.get().cohort_id == twice[0].pk
    assert new.get_model("accounts", "User").objects.get(pk=learner.pk).accept_nudges is True
    assert rows["token-orphan"].pk == orphan.pk  # same rows, same ids
