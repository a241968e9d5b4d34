"""The activity log is written by the database, in the statement that changes a status.

A status change and its log entry used to be two statements in a transaction;
two requests changing a topic for the first time at once could both log "not
started -> ...". A trigger logs every change of `status` on topic and project
progress from the row's real old value, under the row's lock, with the time
taken then (not before waiting for the lock). The same triggers on PostgreSQL
and SQLite; whatever writes a status (the site, the admin, a shell) is logged.
"""

from django.db import migrations

TABLES = (("progress_topicprogress", "topic"), ("progress_projectprogress", "project"))

COLUMNS = "user_id, kind, topic_id, project_id, from_status, to_status, created_at"

POSTGRES = [
    """
    CREATE FUNCTION {table}_log_status() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (TG_OP = 'INSERT' AND NEW.status <> 'not_started')
           OR (TG_OP = 'UPDATE' AND NEW.status IS DISTINCT FROM OLD.status) THEN
            INSERT INTO progress_activity ({columns})
            VALUES (NEW.user_id, '{kind}', {topic}, {project},
                    CASE WHEN TG_OP = 'INSERT' THEN 'not_started' ELSE OLD.status END, NEW.status,
                    clock_timestamp());
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER {table}_status_logged AFTER INSERT OR UPDATE OF status ON {table}
        FOR EACH ROW EXECUTE FUNCTION {table}_log_status()
    """,
]
POSTGRES_DROP = ["DROP TRIGGER {table}_status_logged ON {table}", "DROP FUNCTION {table}_log_status()"]

# Django keeps SQLite datetimes as UTC text; strftime's %f is seconds with milliseconds.
SQLITE = [
    """
    CREATE TRIGGER {table}_status_inserted AFTER INSERT ON {table} WHEN NEW.status <> 'not_started'
    BEGIN
        INSERT INTO progress_activity ({columns})
        VALUES (NEW.user_id, '{kind}', {topic}, {project}, 'not_started', NEW.status,
                strftime('%Y-%m-%d %H:%M:%f', 'now'));
    END
    """,
    """
    CREATE TRIGGER {table}_status_updated AFTER UPDATE OF status ON {table} WHEN NEW.status <> OLD.status
    BEGIN
        INSERT INTO progress_activity ({columns})
        VALUES (NEW.user_id, '{kind}', {topic}, {project}, OLD.status, NEW.status,
                strftime('%Y-%m-%d %H:%M:%f', 'now'));
    END
    """,
]
SQLITE_DROP = ["DROP TRIGGER {table}_status_inserted", "DROP TRIGGER {table}_status_updated"]


def _execute(schema_editor, statements):
    for table, kind in TABLES:
        for statement in statements:
            sql = statement.format(
                table=table,
                kind=kind,
                columns=COLUMNS,
                topic="NEW.topic_id" if kind == "topic" else "NULL",
                project="NEW.project_id" if kind == "project" else "NULL",
            )
            schema_editor.execute(sql, params=None)  # no placeholders: % is strftime's


def _for(schema_editor, *, postgres, sqlite):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        return postgres
    if vendor == "sqlite":
        return sqlite
    raise NotImplementedError(f"No activity log triggers for {vendor}.")


def create_triggers(apps, schema_editor):
    _execute(schema_editor, _for(schema_editor, postgres=POSTGRES, sqlite=SQLITE))


def drop_triggers(apps, schema_editor):
    _execute(schema_editor, _for(schema_editor, postgres=POSTGRES_DROP, sqlite=SQLITE_DROP))


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0004_previous_status"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
