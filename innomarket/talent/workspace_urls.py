"""人才交流 in the workspace; included under /workspace/talent/ in the ``site`` namespace."""

from django.urls import path

from . import views_workspace as views

urlpatterns = [
    path("applications/", views.my_applications, name="talent-my-applications"),
    path("applications/<int:pk>/", views.application_detail, name="talent-application"),
    path("applications/<int:pk>/cv/", views.application_cv, name="talent-application-cv"),
    path(
        "applications/<int:pk>/shortlist/", views.application_shortlist, name="talent-application-shortlist"
    ),
    path("applications/<int:pk>/decline/", views.application_decline, name="talent-application-decline"),
    path("applications/<int:pk>/hire/", views.application_hire, name="talent-application-hire"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="talent-application-withdraw"),
    path("o/<int:org_pk>/applications/", views.organisation_applications, name="talent-org-applications"),
    path("profile/", views.profile_edit, name="talent-profile"),
    path("contacts/", views.contacts, name="talent-contacts"),
    path("contacts/<int:pk>/", views.contact_detail, name="talent-contact"),
    path("contacts/<int:pk>/accept/", views.contact_accept, name="talent-contact-accept"),
    path("contacts/<int:pk>/decline/", views.contact_decline, name="talent-contact-decline"),
    path("contacts/<int:pk>/withdraw/", views.contact_withdraw, name="talent-contact-withdraw"),
]
