"""Check 4: the program guidance in force in the year references the need for targets."""

from django.utils.translation import gettext_lazy as _

from compacts.models import GuidanceDocument
from cpc.wording import Wording

from .common import (
    MET,
    NOT_MET,
    Check,
    verdict,
)


def check_guidance(fiscal_year) -> Check:
    """GAO recommendation 4: the guidance version in force during the fiscal year
    (GuidanceDocument.in_force_during) has its document attached, quotes the passage
    that references the need for targets, and a second TIP Office staff member confirmed
    that passage (compacts.services.guidance_document_confirm). Not today's version: the
    year's."""
    guidance = GuidanceDocument.in_force_during(fiscal_year)
    if guidance is None:
        if not GuidanceDocument.objects.exists():
            return verdict(4, NOT_MET, Wording(_("No program guidance document is recorded.")))
        return verdict(4, NOT_MET, Wording(_("No program guidance version was in force in "
                                               "FY{year}."), year=fiscal_year))
    version = {"year": fiscal_year, "guidance": str(guidance), "day": guidance.effective_from}
    no_passage, no_document = not guidance.targets_passage.strip(), not guidance.document
    if no_passage and no_document:
        return verdict(4, NOT_MET, Wording(_(
            "The guidance in force in FY{year}, {guidance} (effective {day}), quotes no passage "
            "on the need for targets and has no document attached."), **version))
    if no_passage:
        return verdict(4, NOT_MET, Wording(_(
            "The guidance in force in FY{year}, {guidance} (effective {day}), quotes no passage "
            "on the need for targets."), **version))
    if no_document:
        return verdict(4, NOT_MET, Wording(_(
            "The guidance in force in FY{year}, {guidance} (effective {day}), has no document "
            "attached."), **version))
    if not guidance.is_confirmed:
        return verdict(4, NOT_MET, Wording(_(
            "The guidance in force in FY{year}, {guidance} (effective {day}), quotes a passage "
            "on targets that no second TIP Office staff member has confirmed yet: "
            "“{passage}”"), passage=guidance.passage_excerpt, **version))
    return verdict(4, MET, Wording(_(
        "The guidance in force in FY{year}, {guidance} (effective {day}), references targets "
        "(confirmed on {confirmed}): “{passage}”"),
        confirmed=guidance.confirmed_at.date(), passage=guidance.passage_excerpt, **version))
