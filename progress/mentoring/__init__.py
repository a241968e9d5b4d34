"""Mentoring: cohorts, their mentors and members, and what mentors do for their learners.

One room for everything about cohorts, inside the progress app (the models keep
the app label `progress`):

- models.py    cohorts, memberships, nudges, a mentor's settings
- table.py     the read side: the cohort table, its signals and the mentor's home
- services.py  the writes: creating, archiving and deleting cohorts, joining, co-mentors,
               reviews, nudges
- digest.py    the weekly digest email, its unsubscribe link; tasks.py runs it
- forms.py, views/, urls.py (namespace "cohorts"), admin.py

The rest of progress/ is a learner's own progress; it reads cohorts only for a
plan's start date (the read model) and for the dashboard's messages.
"""
