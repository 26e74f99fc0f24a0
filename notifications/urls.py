from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="list"),
    path("read/", views.MarkAllReadView.as_view(), name="mark-all-read"),
    path("<int:pk>/open/", views.OpenNotificationView.as_view(), name="open"),
    path("preferences/", views.PreferencesView.as_view(), name="preferences"),
]
