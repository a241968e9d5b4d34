"""The editors' admin: every piece of roadmap content, its history, and the links needing attention."""

from roadmap.admin import appendix, content, links  # noqa: F401 - registers the ModelAdmins
