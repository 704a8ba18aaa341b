"""在线咨询 in the workspace (mounted at /workspace/enquiries/ in the ``site`` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.enquiry_list, name="enquiry-list"),
    path("new/<slug:type_key>/<int:pk>/", views.enquiry_new, name="enquiry-new"),
    path("<int:pk>/", views.enquiry_detail, name="enquiry-detail"),
    path("<int:pk>/<slug:action>/", views.enquiry_act, name="enquiry-act"),
]
