from django.urls import path

from . import views

app_name = "finance"
urlpatterns = [
    path("products/", views.product_list, name="product-list"),
    path("products/<int:pk>/", views.product_detail, name="product-detail"),
    path("funds/", views.fund_list, name="fund-list"),
    path("funds/<int:pk>/", views.fund_detail, name="fund-detail"),
    path("requests/", views.financing_list, name="request-list"),
    path("requests/<int:pk>/", views.financing_detail, name="request-detail"),
]
