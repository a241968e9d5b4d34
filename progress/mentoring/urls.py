"""Cohort pages, in their own namespace ("cohorts") beside the learner's own pages ("progress")."""

from django.urls import path

from progress.mentoring.views import cohorts as views

app_name = "cohorts"

urlpatterns = [
    path("mentor/", views.mentor_home, name="mentor_home"),
    path("cohorts/new/", views.cohort_new, name="new"),
    path("cohorts/mine/", views.my_cohorts, name="mine"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="detail"),
    path("cohorts/<int:pk>/rename/", views.cohort_rename, name="rename"),
    path("cohorts/<int:pk>/invite/regenerate/", views.invite_regenerate, name="regenerate"),
    path("cohorts/<int:pk>/export.csv", views.cohort_export, name="export"),
    path("cohorts/<int:pk>/leave/", views.leave, name="leave"),
    path("cohorts/<int:pk>/learners/<int:user_id>/", views.learner_detail, name="learner"),
    path(
        "cohorts/<int:pk>/learners/<int:user_id>/projects/<int:project_id>/review/",
        views.project_review_view,
        name="review",
    ),
    # `path`, so a mangled link with a slash in it still gets the "no longer valid" page.
    path("join/<path:token>/", views.join, name="join"),
]
