"""Each learner's change stamp, raised by the database whenever the cohort table's view of them changes.

The cohort table keeps a cohort's computed rows while the sum of its members'
stamps (with their number and memberships) stays the same, so a mentor's page
costs the same for a thousand learners as for fifty. Triggers rather than the
services: whatever writes (the site, the admin, a shell, a cascade) raises it.

The watched tables and the learner's column in each. Users only when what the
table shows of them changes (not on every sign-in); cohorts when their start
date does, for every member (it may be the start of their plan elsewhere too).
A learner's stamp row is locked while it is raised, and several learners' rows
in one statement are raised in the order of their ids, so two writers never
wait on each other in a circle.
"""

from django.db import migrations, models

WATCHED = (
    ("progress_topicprogress", "user_id"),
    ("progress_projectprogress", "user_id"),
    ("progress_pathchoice", "user_id"),
    ("progress_learningplan", "user_id"),
    ("progress_membership", "user_id"),
    ("progress_nudge", "learner_id"),
)
USER_COLUMNS = "display_name, email, time_zone, accept_nudges, date_joined"

POSTGRES = [
    "CREATE SEQUENCE progress_changestamp_seq",
    # The update's nextval is taken once the row is locked: a learner's stamp only grows.
    """
    CREATE FUNCTION progress_raise_stamp(learner bigint) RETURNS void LANGUAGE sql AS $$
        INSERT INTO progress_changestamp (user_id, value) VALUES (learner, nextval('progress_changestamp_seq'))
        ON CONFLICT (user_id) DO UPDATE SET value = nextval('progress_changestamp_seq')
    $$
    """,
    # One function per table, naming its column: a generic one would read the whole
    # row as JSON on every status change.
    *(
        f"""
        CREATE FUNCTION {table}_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                PERFORM progress_raise_stamp(NEW.{column});
            ELSIF TG_OP = 'DELETE' OR NEW.{column} = OLD.{column} THEN
                PERFORM progress_raise_stamp(OLD.{column});
            ELSE
                PERFORM progress_raise_stamp(LEAST(OLD.{column}, NEW.{column}));
                PERFORM progress_raise_stamp(GREATEST(OLD.{column}, NEW.{column}));
            END IF;
            RETURN NULL;
        END $$
        """
        for table, column in (*WATCHED, ("accounts_user", "id"))
    ),
    *(
        f"""
        CREATE TRIGGER {table}_stamp AFTER INSERT OR UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_stamp()
        """
        for table, column in WATCHED
    ),
    f"""
    CREATE TRIGGER accounts_user_stamp AFTER UPDATE OF {USER_COLUMNS} ON accounts_user
        FOR EACH ROW EXECUTE FUNCTION accounts_user_stamp()
    """,
    """
    CREATE FUNCTION progress_cohort_start_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM progress_raise_stamp(m.user_id)
            FROM (SELECT user_id FROM progress_membership WHERE cohort_id = NEW.id ORDER BY user_id) m;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER progress_cohort_stamp AFTER UPDATE OF start_date ON progress_cohort
        FOR EACH ROW WHEN (NEW.start_date IS DISTINCT FROM OLD.start_date)
        EXECUTE FUNCTION progress_cohort_start_changed()
    """,
]
POSTGRES_DROP = [
    "DROP TRIGGER progress_cohort_stamp ON progress_cohort",
    "DROP FUNCTION progress_cohort_start_changed()",
    "DROP TRIGGER accounts_user_stamp ON accounts_user",
    *(f"DROP TRIGGER {table}_stamp ON {table}" for table, _column in WATCHED),
    *(f"DROP FUNCTION {table}_stamp()" for table, _column in (*WATCHED, ("accounts_user", "id"))),
    "DROP FUNCTION progress_raise_stamp(bigint)",
    "DROP SEQUENCE progress_changestamp_seq",
]

# SQLite writes one at a time: the next number is the largest so far plus one.
_SQLITE_RAISE = """
    INSERT INTO progress_changestamp (user_id, value)
    SELECT {learner}, COALESCE(MAX(value), 0) + 1 FROM progress_changestamp WHERE true
    ON CONFLICT (user_id) DO UPDATE SET value = excluded.value;
"""


def _sqlite_trigger(name, event, table, body_ids, when=""):
    body = "".join(_SQLITE_RAISE.format(learner=learner) for learner in body_ids)
    return f"CREATE TRIGGER {name} AFTER {event} ON {table}{when} BEGIN {body} END"


SQLITE = [
    *(
        statement
        for table, column in WATCHED
        for statement in (
            _sqlite_trigger(f"{table}_stamp_insert", "INSERT", table, [f"NEW.{column}"]),
            _sqlite_trigger(f"{table}_stamp_update", "UPDATE", table, [f"OLD.{column}", f"NEW.{column}"]),
            _sqlite_trigger(f"{table}_stamp_delete", "DELETE", table, [f"OLD.{column}"]),
        )
    ),
    _sqlite_trigger("accounts_user_stamp", f"UPDATE OF {USER_COLUMNS}", "accounts_user", ["NEW.id"]),
    """
    CREATE TRIGGER progress_cohort_stamp AFTER UPDATE OF start_date ON progress_cohort
        WHEN NEW.start_date IS NOT OLD.start_date
    BEGIN
        INSERT INTO progress_changestamp (user_id, value)
        SELECT m.user_id, (SELECT COALESCE(MAX(value), 0) + 1 FROM progress_changestamp)
        FROM progress_membership m WHERE m.cohort_id = NEW.id
        ON CONFLICT (user_id) DO UPDATE SET value = excluded.value;
    END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER progress_cohort_stamp",
    "DROP TRIGGER accounts_user_stamp",
    *(
        f"DROP TRIGGER {table}_stamp_{event}"
        for table, _column in WATCHED
        for event in ("insert", "update", "delete")
    ),
]


def _run(schema_editor, *, postgres, sqlite):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = postgres
    elif vendor == "sqlite":
        statements = sqlite
    else:
        raise NotImplementedError(f"No change stamp triggers for {vendor}.")
    for statement in statements:
        schema_editor.execute(statement, params=None)


def create_triggers(apps, schema_editor):
    _run(schema_editor, postgres=POSTGRES, sqlite=SQLITE)


def drop_triggers(apps, schema_editor):
    _run(schema_editor, postgres=POSTGRES_DROP, sqlite=SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0009_learner_links_and_seen_reviews"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChangeStamp",
            fields=[
                ("user_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("value", models.BigIntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["value"], name="progress_changestamp_value_idx")],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
