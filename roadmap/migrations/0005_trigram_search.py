"""Enable pg_trgm on PostgreSQL, for search to find words typed with a typo (roadmap/search.py).

pg_trgm ships with PostgreSQL and is a trusted extension (13+): the owner of
the database may create it. On SQLite, where search falls back to plain
matching, this changes nothing (Django's CreateExtension runs on PostgreSQL
only).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("roadmap", "0004_curation"),
    ]

    operations = [
        TrigramExtension(),
    ]
