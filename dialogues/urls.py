from django.urls import path, re_path

from . import action_items, views

app_name = "dialogues"

urlpatterns = [
    path("new/", views.DialogueCreateView.as_view(), name="dialogue-new"),
    path("action-items/", action_items.ActionItemListView.as_view(), name="action-items"),
    path("<int:pk>/", views.DialogueDetailView.as_view(), name="dialogue-detail"),
    path("<int:pk>/printable/", views.DialoguePrintableView.as_view(),
         name="dialogue-printable"),
    path("<int:pk>/log/", views.DialogueLogView.as_view(), name="dialogue-log"),
    path("<int:pk>/record/prepare/", views.PrepareStepView.as_view(), name="record-prepare"),
    path("<int:pk>/record/hold/", views.HoldStepView.as_view(), name="record-hold"),
    path("<int:pk>/record/outcomes/", views.OutcomesStepView.as_view(),
         name="record-outcomes"),
    path("<int:pk>/record/close/", views.CloseStepView.as_view(), name="record-close"),
    path("attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment"),
    path("<int:pk>/preparation/", views.PreparationPackView.as_view(),
         name="preparation-pack"),
    path("<int:pk>/reopen/", views.DialogueReopenView.as_view(), name="dialogue-reopen"),
    re_path(r"^(?P<pk>\d+)/(?P<move>hold|close)/$", views.DialogueMoveView.as_view(),
            name="dialogue-move"),
    path("compact/<int:compact_id>/target-proposals/",
         views.TargetProposalListView.as_view(), name="target-proposals"),
    path("target-proposals/<int:pk>/accept/", views.TargetProposalDecisionView.as_view(),
         {"decision": "accept"}, name="target-proposal-accept"),
    path("target-proposals/<int:pk>/reject/", views.TargetProposalDecisionView.as_view(),
         {"decision": "reject"}, name="target-proposal-reject"),
]
