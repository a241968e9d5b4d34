from django.urls import path

from progress.views import dashboard, export, plan

app_name = "progress"

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/export.csv", export.progress_csv, name="export_csv"),
    path("plan/", plan.plan, name="plan"),
]
