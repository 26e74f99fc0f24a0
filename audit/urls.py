from django.urls import path

from . import views

app_name = "audit"

# One page (and its CSV) per kind of record that links to its history; a compact's includes
# its children's.
KIND_PATHS = {"compact": "compacts", "indicator": "indicators", "target": "targets",
              "result": "results", "dialogue": "dialogues", "contribution": "contributions",
              "plan": "plans"}

urlpatterns = [
    path("auth-events/", views.AuthEventsView.as_view(), name="auth-events"),
    path("people/", views.PeopleHistoryView.as_view(), name="people-history"),
    path("access-review/", views.AccessReviewView.as_view(), name="access-review"),
    path("access-review/export.csv", views.AccessReviewExportView.as_view(),
         name="access-review-csv"),
]
for kind, segment in KIND_PATHS.items():
    urlpatterns += [
        path(f"{segment}/<int:pk>/", views.HistoryView.as_view(kind=kind),
             name=f"{kind}-history"),
        path(f"{segment}/<int:pk>/export.csv", views.HistoryExportView.as_view(kind=kind),
             name=f"{kind}-history-csv"),
    ]
