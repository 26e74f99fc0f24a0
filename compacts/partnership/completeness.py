"""Which elements of a compact's document are recorded: the one rule the compact page's
panel and the API read (``document_completeness``).

State's fact sheet says a compact's document states objectives, each side's
responsibilities, each side's estimated contributions, activities, and the mechanisms to
implement, monitor, assess and sustain the work; the record also keeps the signed document.
An element counts only with real content: text that is blank, punctuation or a placeholder
("TBD", "n/a", "-") does not; the U.S. estimated contribution is the funding ceiling at
signing (not reported is missing); the partner's is at least one pledge with an amount or a
number of people; the objectives are at least one objective.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..models import Compact, CompactDocument

# Text that holds no content: compared lower-cased, with everything but letters and digits
# removed ("N/A" is "na", "t.b.d." is "tbd").
PLACEHOLDERS = frozenset({
    "", "na", "nil", "none", "null", "tbd", "tbc", "tba", "todo", "pending", "unknown",
    "placeholder", "xxx", "x", "test", "lorem", "loremipsum", "notapplicable", "notyet",
    "toberecorded", "tobedetermined", "tobeconfirmed", "missing", "empty",
})
MIN_LETTERS = 3

# Where staff complete each element: the document page, the pledges page or the compact in
# the administration (objectives and the ceiling are the compact's own fields).
DOCUMENT, PLEDGES, COMPACT = "document", "pledges", "compact"


def has_content(text: str | None) -> bool:
    """Whether ``text`` says something: at least MIN_LETTERS letters, and not a
    placeholder."""
    text = text or ""
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return False
    return re.sub(r"[\W_]+", "", text.lower()) not in PLACEHOLDERS


@dataclass(frozen=True)
class Element:
    key: str
    label: str
    present: bool
    completed_on: str  # DOCUMENT, PLEDGES or COMPACT


@dataclass(frozen=True)
class Completeness:
    elements: list[Element]

    @property
    def missing(self) -> list[Element]:
        return [e for e in self.elements if not e.present]

    @property
    def is_complete(self) -> bool:
        return not self.missing


TEXT_ELEMENTS = (
    ("us_responsibilities", _("U.S. responsibilities")),
    ("partner_responsibilities", _("Partner government responsibilities")),
    ("activities", _("Activities")),
    ("implementation_mechanism", _("Implementation mechanism")),
    ("monitoring_mechanism", _("Monitoring mechanism")),
    ("assessment_mechanism", _("Assessment mechanism")),
    ("sustainability_mechanism", _("Sustainability mechanism")),
)


def compact_document_of(compact: Compact) -> CompactDocument | None:
    """The compact's document record, or None (read once; cached on the compact)."""
    try:
        return compact.document
    except ObjectDoesNotExist:
        return None


def _pledged(compact: Compact) -> bool:
    if "pledges" in getattr(compact, "_prefetched_objects_cache", {}):
        return any(p.has_value for p in compact.pledges.all())
    return compact.pledges.filter(
        Q(amount_local__gt=0) | Q(amount_usd__gt=0) | Q(personnel_count__gt=0)).exists()


def _has_objectives(compact: Compact) -> bool:
    if "objectives" in getattr(compact, "_prefetched_objects_cache", {}):
        return bool(compact.objectives.all())
    return compact.objectives.exists()


def document_completeness(compact: Compact) -> Completeness:
    """Each element of the compact's document, in the fact sheet's order, and whether it is
    recorded. Reads the prefetched objectives and pledges when present (at most three
    queries otherwise)."""
    document = compact_document_of(compact)
    texts = [Element(key, str(label), document is not None
                     and has_content(getattr(document, key)), DOCUMENT)
             for key, label in TEXT_ELEMENTS]
    ceiling = compact.us_funding_usd
    elements = [
        Element("objectives", str(_("Objectives")), _has_objectives(compact), COMPACT),
        *texts[:2],
        Element("us_estimated_contribution", str(_("U.S. estimated contribution")),
                ceiling is not None and ceiling > 0, COMPACT),
        Element("partner_estimated_contribution",
                str(_("Partner government estimated contribution (pledges)")),
                _pledged(compact), PLEDGES),
        *texts[2:],
        Element("signed_document", str(_("Signed document")),
                document is not None and bool(document.signed_document), DOCUMENT),
    ]
    return Completeness(elements)
