from django.urls import path

from . import api

urlpatterns = [
    path("iati/activities.xml", api.IatiActivitiesView.as_view(), name="iati-activities"),
]
