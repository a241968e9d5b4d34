from django.urls import path

from roadmap import views

app_name = "roadmap"

urlpatterns = [
    path("appendix/", views.appendix, name="appendix"),
    path("changes/", views.changes, name="changes"),
    path("search/", views.search, name="search"),
]
