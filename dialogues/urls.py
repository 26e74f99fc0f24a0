from django.urls import path

from . import views

app_name = "dialogues"

urlpatterns = [
    path("<int:pk>/", views.DialogueDetailView.as_view(), name="dialogue-detail"),
    path("<int:pk>/preparation/", views.PreparationPackView.as_view(),
         name="preparation-pack"),
]
