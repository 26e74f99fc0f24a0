"""The dialogue pages by family: the record and its actions (``pages``), the stepper that
keeps the record (``record``), and target proposals (``proposals``)."""

from .pages import (
    AttachmentDownloadView,
    DialogueCreateView,
    DialogueDetailView,
    DialogueLogView,
    DialogueMoveView,
    DialoguePrintableView,
    DialogueReopenView,
    PreparationPackView,
)
from .proposals import TargetProposalDecisionView, TargetProposalListView
from .record import CloseStepView, HoldStepView, OutcomesStepView, PrepareStepView

__all__ = [
    "AttachmentDownloadView",
    "CloseStepView",
    "DialogueCreateView",
    "DialogueDetailView",
    "DialogueLogView",
    "DialogueMoveView",
    "DialoguePrintableView",
    "DialogueReopenView",
    "HoldStepView",
    "OutcomesStepView",
    "PreparationPackView",
    "PrepareStepView",
    "TargetProposalDecisionView",
    "TargetProposalListView",
]
