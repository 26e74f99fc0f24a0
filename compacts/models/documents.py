"""The compact's own document: what State's fact sheet says a partnership document states.

A compact's document states its objectives (:class:`~compacts.models.Objective`), each side's
responsibilities, each side's estimated contributions (the U.S. funding ceiling on the
compact; the partner government's pledges, :class:`PartnerPledge`), its activities, and the
mechanisms to implement, monitor, assess and sustain the work. :class:`CompactDocument` holds
the text of each element and the signed document itself; which elements are missing is one
rule, :func:`compacts.completeness.document_completeness`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cpc.models import ConstraintErrorsOnFields, DeletesReplacedFiles, StampsRecordedAt
from cpc.samples import MarksSamples
from cpc.storage import private_storage
from cpc.uploads import validate_evidence
from cpc.validators import LONG_TEXT_MAX, bounded_text

from .compacts import Compact

ERR_PUBLIC_URL_NOT_PUBLIC = _("Only a public document has a public address; mark the document "
                              "public or leave the address empty.")

# The text elements of the document, in the fact sheet's order (objectives and the
# estimated contributions are records of their own).
DOCUMENT_TEXT_FIELDS = (
    "us_responsibilities", "partner_responsibilities", "activities",
    "implementation_mechanism", "monitoring_mechanism", "assessment_mechanism",
    "sustainability_mechanism",
)


def _element(verbose_name: str, help_text) -> models.TextField:
    return bounded_text(LONG_TEXT_MAX, verbose_name, blank=True, help_text=help_text)


class CompactDocument(MarksSamples, StampsRecordedAt, ConstraintErrorsOnFields,
                      DeletesReplacedFiles, models.Model):
    """The partnership document of one compact: its elements as text, the signed document
    (stored privately, served through a view that checks the reader's scope) and whether it
    is public, with its public address when it has one (the IATI file links to it)."""

    compact = models.OneToOneField(Compact, on_delete=models.PROTECT, related_name="document")
    us_responsibilities = _element(
        "U.S. responsibilities", _("What the United States undertakes, as the document states."))
    partner_responsibilities = _element(
        "partner government responsibilities",
        _("What the partner government undertakes, as the document states."))
    activities = _element("activities", _("The activities the document plans."))
    implementation_mechanism = _element(
        "implementation mechanism", _("How the work is to be implemented."))
    monitoring_mechanism = _element("monitoring mechanism", _("How the work is to be monitored."))
    assessment_mechanism = _element("assessment mechanism", _("How the work is to be assessed."))
    sustainability_mechanism = _element(
        "sustainability mechanism", _("How the work is to be sustained after the compact."))
    signed_document = models.FileField(
        storage=private_storage, upload_to="compacts/documents/%Y/%m/", blank=True,
        max_length=255, validators=[validate_evidence],
        help_text=_("The document as signed. Stored privately; served only to users who may "
                    "see the compact."),
    )
    is_public = models.BooleanField(
        default=False, help_text=_("Whether the document has been made public."))
    public_url = models.URLField(
        "public address", max_length=500, blank=True,
        help_text=_("Where the public can read the document, when it is public."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+", editable=False)
    recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Sample text (cpc/samples.py), written by the demo where the document is not public.
    is_sample = models.BooleanField(default=False, editable=False)

    sample_fields = DOCUMENT_TEXT_FIELDS
    recorded_fields = (*DOCUMENT_TEXT_FIELDS, "signed_document", "is_public", "public_url")
    constraint_error_fields = {"compact_document_public_url_when_public": "public_url"}
    history = HistoricalRecords()

    class Meta:
        ordering = ["compact"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_public=True) | Q(public_url=""),
                name="compact_document_public_url_when_public",
                violation_error_message=ERR_PUBLIC_URL_NOT_PUBLIC,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compact}: document"

    def clean(self):
        for field in DOCUMENT_TEXT_FIELDS:
            setattr(self, field, (getattr(self, field) or "").strip())
        self.public_url = (self.public_url or "").strip()
        if self.public_url and not self.is_public:
            raise ValidationError({"public_url": [ERR_PUBLIC_URL_NOT_PUBLIC]})

    @property
    def publishable_url(self) -> str:
        """The address the IATI file links to (``document-link``): the public address of a
        public document, else empty."""
        return self.public_url if self.is_public else ""
