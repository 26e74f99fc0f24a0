"""Partner countries, their TIP Report tiers, compacts, awards and who may see them.

One module a family of tables; every model is imported here, so ``compacts.models.Compact``
and the app's migrations are as they were.

Foreign keys to oversight data use ``on_delete=PROTECT``: a compact with objectives,
extensions or awards cannot be deleted by accident, and its history stays readable.
"""

from cpc.access.models import RecordsVersion

from .awards import (
    ERR_AWARD_END_BEFORE_START,
    ERR_AWARD_OUTSIDE_COMPACT,
    ERR_PILLARS,
    Award,
    Implementer,
    ImplementerKind,
    Mechanism,
)
from .compacts import (
    ERR_DATES_REQUIRED,
    ERR_END_BEFORE_START,
    ERR_EXTENSION_NO_END,
    ERR_EXTENSION_NOT_LATER,
    ERR_NEGATIVE,
    ERR_TERM_TOO_LONG,
    MAX_ORIGINAL_TERM_YEARS,
    Compact,
    CompactQuerySet,
    CompactStatus,
    Extension,
    Objective,
    non_negative,
)
from .countries import (
    FIRST_TIP_REPORT_YEAR,
    PartnerCountry,
    PartnerCountryQuerySet,
    Pillar,
    Region,
    Tier,
    TierRanking,
)
from .documents import (
    DOCUMENT_TEXT_FIELDS,
    ERR_PUBLIC_URL_NOT_PUBLIC,
    CompactDocument,
    PartnerPledge,
    PledgeKind,
)
from .finances import ERR_FINANCE_YEAR_TAKEN, AwardFinance
from .guidance import (
    ERR_GUIDANCE_CONFIRM_STAMPED,
    ERR_GUIDANCE_ENDS_BEFORE_START,
    ERR_GUIDANCE_PASSAGE,
    ERR_GUIDANCE_SAME_DAY,
    GUIDANCE_CONFIRMED_FIELDS,
    PASSAGE_EXCERPT_CHARS,
    GuidanceDocument,
)
from .orgids import ORG_ID_PATTERN, NgoOrgType, validate_org_id
from .profiles import UserProfile
from .records import FiscalYearLock, YearLockState
from .selection import SelectionFactor, SelectionFactorKind

__all__ = [
    "DOCUMENT_TEXT_FIELDS",
    "ERR_AWARD_END_BEFORE_START",
    "ERR_AWARD_OUTSIDE_COMPACT",
    "ERR_DATES_REQUIRED",
    "ERR_END_BEFORE_START",
    "ERR_EXTENSION_NOT_LATER",
    "ERR_EXTENSION_NO_END",
    "ERR_FINANCE_YEAR_TAKEN",
    "ERR_GUIDANCE_CONFIRM_STAMPED",
    "ERR_GUIDANCE_ENDS_BEFORE_START",
    "ERR_GUIDANCE_PASSAGE",
    "ERR_GUIDANCE_SAME_DAY",
    "ERR_NEGATIVE",
    "ERR_PILLARS",
    "ERR_PUBLIC_URL_NOT_PUBLIC",
    "ERR_TERM_TOO_LONG",
    "FIRST_TIP_REPORT_YEAR",
    "GUIDANCE_CONFIRMED_FIELDS",
    "MAX_ORIGINAL_TERM_YEARS",
    "ORG_ID_PATTERN",
    "PASSAGE_EXCERPT_CHARS",
    "Award",
    "AwardFinance",
    "Compact",
    "CompactDocument",
    "CompactQuerySet",
    "CompactStatus",
    "Extension",
    "FiscalYearLock",
    "GuidanceDocument",
    "Implementer",
    "ImplementerKind",
    "Mechanism",
    "NgoOrgType",
    "Objective",
    "PartnerCountry",
    "PartnerCountryQuerySet",
    "PartnerPledge",
    "Pillar",
    "PledgeKind",
    "RecordsVersion",
    "Region",
    "SelectionFactor",
    "SelectionFactorKind",
    "Tier",
    "TierRanking",
    "UserProfile",
    "YearLockState",
    "non_negative",
    "validate_org_id",
]
