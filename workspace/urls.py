from django.urls import path

from . import views

app_name = "workspace"

urlpatterns = [
    path("", views.MyWorkView.as_view(), name="my-work"),
    path("results/review/", views.BulkReviewView.as_view(), name="bulk-review"),
]
