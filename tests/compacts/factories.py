import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory

from compacts.models import (
    Award,
    AwardFinance,
    Compact,
    CompactDocument,
    Extension,
    FiscalYearLock,
    GuidanceDocument,
    Implementer,
    Objective,
    PartnerCountry,
    PartnerPledge,
    TierRanking,
)

ISO_CODES = ["GH", "PE", "PH", "JM", "MN", "CO", "CI", "NP", "KE", "UG", "TZ", "ZM", "MW",
             "SN", "ML", "NE", "BF", "BJ", "TG", "LR", "SL", "GN", "GM", "CM", "NG", "ET",
             "RW", "BI", "MZ", "MG", "BO", "EC", "PY", "HN", "GT", "SV", "NI", "DO", "HT",
             "KH", "LA", "VN", "TH", "ID", "BD", "LK", "PK", "KG", "TJ", "UZ", "MD", "AL"]


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pass-for-tests")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class PartnerCountryFactory(DjangoModelFactory):
    class Meta:
        model = PartnerCountry
        django_get_or_create = ["iso_code"]

    iso_code = factory.Sequence(lambda n: ISO_CODES[n % len(ISO_CODES)])
    region = "africa"


class TierRankingFactory(DjangoModelFactory):
    class Meta:
        model = TierRanking

    country = factory.SubFactory(PartnerCountryFactory)
    report_year = 2023
    tier = "tier_2"


class CompactFactory(DjangoModelFactory):
    class Meta:
        model = Compact

    country = factory.SubFactory(PartnerCountryFactory)
    title = factory.LazyAttribute(lambda c: f"{c.country.name} Child Protection Compact")
    status = "active"
    signed_on = dt.date(2022, 4, 26)
    start_date = dt.date(2022, 4, 26)
    end_date = dt.date(2027, 4, 26)
    us_funding_usd = Decimal("10000000.00")
    partner_contribution_planned_usd = Decimal("500000.00")


class ObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = Objective

    compact = factory.SubFactory(CompactFactory)
    pillar = "protection"
    description = "Provide trauma-informed care to child victims."


class ExtensionFactory(DjangoModelFactory):
    class Meta:
        model = Extension

    compact = factory.SubFactory(CompactFactory)
    signed_on = factory.LazyAttribute(lambda e: e.compact.end_date - dt.timedelta(days=30))
    new_end_date = factory.LazyAttribute(lambda e: e.compact.end_date + dt.timedelta(days=365))
    reason = "Extended one more year."


class ImplementerFactory(DjangoModelFactory):
    class Meta:
        model = Implementer
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Implementer {n}")
    kind = "civil_society"


class AwardFactory(DjangoModelFactory):
    class Meta:
        model = Award

    compact = factory.SubFactory(CompactFactory)
    implementer = factory.SubFactory(ImplementerFactory)
    mechanism = "cooperative_agreement"
    award_number = factory.Sequence(lambda n: f"SAMPLE-{n:05d}")
    amount_usd = Decimal("1000000.00")
    start_date = factory.LazyAttribute(lambda a: a.compact.start_date)
    end_date = factory.LazyAttribute(lambda a: a.compact.end_date)
    pillars = factory.LazyFunction(lambda: ["protection"])


class AwardFinanceFactory(DjangoModelFactory):
    class Meta:
        model = AwardFinance

    award = factory.SubFactory(AwardFactory)
    fiscal_year = 2023
    obligated_usd = Decimal("400000.00")
    disbursed_usd = Decimal("250000.00")
    spent_usd = Decimal("200000.00")
    source_reference = factory.Sequence(lambda n: f"FMS-{n:06d}")
    as_of = dt.date(2023, 9, 30)


class GuidanceDocumentFactory(DjangoModelFactory):
    class Meta:
        model = GuidanceDocument

    title = "CPC Partnership Monitoring Guidance"
    version = factory.Sequence(lambda n: f"1.{n}")
    effective_from = dt.date(2023, 10, 1)
    targets_passage = ""

    class Params:
        # Entered by one staff member, its passage confirmed by another (four eyes).
        confirmed = factory.Trait(
            recorded_by=factory.SubFactory(UserFactory),
            confirmed_by=factory.SubFactory(UserFactory),
            confirmed_at=factory.LazyFunction(timezone.now),
        )

OPENED_FOR_TESTS = "Opened by the test: it writes data of a past fiscal year, not about locks."


def open_fiscal_years(compact, *years: int, reason: str = OPENED_FOR_TESTS) -> None:
    """Record TIP staff's unlock of ``years`` of ``compact``, with a reason, for tests that
    write a past year's figures about something other than the year lock (years past their
    dialogue window are locked otherwise; compacts.year_locks)."""
    by = UserFactory(username="year.opener")
    for year in years:
        FiscalYearLock.objects.update_or_create(
            compact=compact, fiscal_year=year,
            defaults={"state": "unlocked", "reason": reason, "changed_by": by,
                      "changed_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)})


class SelectionFactorFactory(DjangoModelFactory):
    class Meta:
        model = "compacts.SelectionFactor"

    compact = factory.SubFactory(CompactFactory)
    factor = "income_level"
    value = "Lower-middle income"
    source = "World Bank country classification, FY2023"
    as_of = dt.date(2022, 7, 1)
class CompactDocumentFactory(DjangoModelFactory):
    class Meta:
        model = CompactDocument

    compact = factory.SubFactory(CompactFactory)
    us_responsibilities = "Fund the awards and monitor them."
    partner_responsibilities = "Staff the specialized shelters and prosecutor posts."
    activities = "Train police and prosecutors; open child-friendly spaces."
    implementation_mechanism = "Implementers under cooperative agreements."
    monitoring_mechanism = "Annual dialogues reviewing the standard indicators."
    assessment_mechanism = "A midline and an endline evaluation."
    sustainability_mechanism = "The ministry's budget takes over the shelters."


class PartnerPledgeFactory(DjangoModelFactory):
    class Meta:
        model = PartnerPledge

    compact = factory.SubFactory(CompactFactory)
    fiscal_year = 2023
    kind = "funding"
    amount_local = Decimal("1000000.00")
    currency = "PEN"
    amount_usd = Decimal("270000.00")
    source = "Compact, section 4"
