"""经营数据 from Excel in the workspace (mounted under ``o/<org_pk>/profile/`` in the ``site`` namespace)."""

from django.urls import path

from . import views_workspace as views

urlpatterns = [
    path("template.xlsx", views.profile_template, name="workspace-profile-template"),
    path("import/", views.profile_import, name="workspace-profile-import"),
]
