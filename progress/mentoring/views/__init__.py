"""Cohort pages, split by who uses them (see each module)."""
