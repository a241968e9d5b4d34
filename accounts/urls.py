from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("data/", views.data, name="data"),
    path("data/download/", views.data_download, name="data_download"),
    path("delete/", views.delete, name="delete"),
]
