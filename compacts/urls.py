from django.urls import path

from . import views

app_name = "compacts"

urlpatterns = [
    path("", views.CompactListView.as_view(), name="compact-list"),
]
