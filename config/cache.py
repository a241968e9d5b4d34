"""The database cache, made safe to count sign-in attempts in.

allauth keeps its rate-limit counters in the default cache. Django's
DatabaseCache, once it holds MAX_ENTRIES rows, deletes the expired ones and
then a third of the rest, live counters included: 200 password-reset requests
for random addresses were enough to give a locked account five fresh guesses.
This one only ever deletes what has expired, so a counter lives exactly as long
as its rate-limit window, whatever other traffic does.
"""

from django.core.cache.backends.db import DatabaseCache


class CountersDatabaseCache(DatabaseCache):
    """A DatabaseCache that never culls a live entry.

    MAX_ENTRIES is how many rows the table may hold before a write first sweeps
    out the expired ones; the table is never cut below what is still live.
    """

    def _cull(self, db, cursor, now, num):
        from django.db import connections

        connection = connections[db]
        table, expires = connection.ops.quote_name(self._table), connection.ops.quote_name("expires")
        # Only quoted identifiers are formatted in; the one value is a parameter.
        sql = f"DELETE FROM {table} WHERE {expires} < %s"  # noqa: S608
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(now)])
