from django.urls import path

from progress.views import dashboard, export, notes, pages, plan, projects, reports, sharing, topics

app_name = "progress"

urlpatterns = [
    # The roadmap's pages, with a signed-in learner's marks on them.
    path("", pages.overview, name="overview"),
    path("phases/<slug:slug>/", pages.phase_detail, name="phase"),
    path("projects/", pages.projects, name="projects"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/export.csv", export.progress_csv, name="export_csv"),
    path("plan/", plan.plan, name="plan"),
    path("notes/", notes.notes, name="notes"),
    # What a learner hands out: a read-only page of their progress, their plan as a calendar.
    path("sharing/", sharing.sharing, name="sharing"),
    path("share/<str:token>/", sharing.shared_progress, name="shared"),
    path("calendar/<str:token>.ics", sharing.calendar_feed, name="calendar"),
    # The learner's controls on the phase and projects pages (POST only, but the permalink).
    path("topics/<int:pk>/", topics.topic, name="topic"),
    path("topics/<int:pk>/status/", topics.topic_status, name="topic_status"),
    path("topics/<int:pk>/done-all/", topics.topic_done_all, name="topic_done_all"),
    path("topics/<int:pk>/undo/", topics.topic_undo, name="topic_undo"),
    path("topics/<int:pk>/note/", topics.topic_note, name="topic_note"),
    path("phases/<slug:slug>/path/", topics.path, name="path"),
    path("projects/<int:pk>/progress/", projects.project_progress, name="project_progress"),
    path("resources/<int:pk>/report/", reports.resource_report, name="resource_report"),
]
