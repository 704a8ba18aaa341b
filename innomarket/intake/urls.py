from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("", views.index, name="index"),
    path("templates/<slug:kind>.xlsx", views.template_xlsx, name="template-xlsx"),
    path("templates/<slug:kind>.csv", views.template_csv, name="template-csv"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job-progress"),
    path("jobs/<int:pk>/commit/", views.job_commit, name="job-commit"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job-retry"),
]
