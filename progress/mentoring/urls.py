"""Cohort pages, in their own namespace ("cohorts") beside the learner's own pages ("progress")."""

from django.urls import path

from progress.mentoring.views import learners, lifecycle, mentor, nudges

app_name = "cohorts"

urlpatterns = [
    # Mentors.
    path("mentor/", mentor.mentor_home, name="mentor_home"),
    path("mentor/settings/", nudges.settings_view, name="settings"),
    path("mentor/digest/unsubscribe/<str:token>/", nudges.digest_unsubscribe_view, name="digest_unsubscribe"),
    path("cohorts/new/", lifecycle.cohort_new, name="new"),
    path("cohorts/<int:pk>/", mentor.cohort_detail, name="detail"),
    path("cohorts/<int:pk>/export.csv", mentor.cohort_export, name="export"),
    path("cohorts/<int:pk>/learners/<int:user_id>/", mentor.learner_detail, name="learner"),
    path(
        "cohorts/<int:pk>/learners/<int:user_id>/projects/<int:project_id>/review/",
        mentor.project_review_view,
        name="review",
    ),
    path("cohorts/<int:pk>/nudge/", nudges.nudge, name="nudge"),
    path("cohorts/<int:pk>/rename/", lifecycle.cohort_rename, name="rename"),
    path("cohorts/<int:pk>/invite/regenerate/", lifecycle.invite_regenerate, name="regenerate"),
    path("cohorts/<int:pk>/archive/", lifecycle.cohort_archive, name="archive"),
    path("cohorts/<int:pk>/restore/", lifecycle.cohort_restore, name="restore"),
    path("cohorts/<int:pk>/delete/", lifecycle.cohort_delete_view, name="delete"),
    path("cohorts/<int:pk>/mentors/", lifecycle.cohort_mentors, name="mentors"),
    path(
        "cohorts/<int:pk>/mentors/invite/regenerate/",
        lifecycle.mentor_invite_regenerate,
        name="mentor_invite_regenerate",
    ),
    path("cohorts/<int:pk>/mentors/<int:user_id>/remove/", lifecycle.mentor_remove, name="mentor_remove"),
    # `path`, so a mangled link with a slash in it still gets the "no longer valid" page.
    path("mentor-invite/<path:token>/", lifecycle.mentor_invite, name="mentor_invite"),
    # Learners.
    path("cohorts/mine/", learners.my_cohorts, name="mine"),
    path("cohorts/<int:pk>/leave/", learners.leave, name="leave"),
    path("messages/<int:pk>/dismiss/", learners.message_dismiss, name="message_dismiss"),
    path("join/<path:token>/", learners.join, name="join"),
]
