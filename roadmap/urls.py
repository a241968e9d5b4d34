from django.urls import path

from roadmap import views

app_name = "roadmap"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("phases/<slug:slug>/", views.phase_detail, name="phase"),
    path("projects/", views.projects, name="projects"),
    path("appendix/", views.appendix, name="appendix"),
]
