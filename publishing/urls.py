from django.urls import path

from . import views

app_name = "publishing"

urlpatterns = [
    path("iati/activities.xml", views.IatiDownloadView.as_view(), name="iati-download"),
]
