"""Every model rule of countries, compacts, extensions and awards, through the services."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from compacts import services
from compacts.models import (
    ERR_AWARD_END_BEFORE_START,
    ERR_DATES_REQUIRED,
    ERR_END_BEFORE_START,
    ERR_PILLARS,
    ERR_TERM_TOO_LONG,
    Compact,
    Extension,
    TierRanking,
)
from tests.compacts.factories import (
    AwardFactory,
    CompactFactory,
    ExtensionFactory,
    ImplementerFactory,
    TierRankingFactory,
)

D = dt.date


def compact_fields(country, **overrides):
    fields = {
        "country": country,
        "title": "A compact",
        "status": "active",
        "signed_on": D(2022, 4, 26),
        "start_date": D(2022, 4, 26),
        "end_date": D(2027, 4, 26),
        "us_funding_usd": Decimal("1000"),
        "partner_contribution_planned_usd": Decimal("0"),
    }
    return fields | overrides


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


class TestCompactRules:
    def test_end_must_be_after_start(self, ghana, staff_user):
        with pytest.raises(ValidationError) as excinfo:
            services.compact_create(
                user=staff_user,
                **compact_fields(ghana, end_date=D(2022, 4, 26)))
        assert errors_of(excinfo)["end_date"] == [ERR_END_BEFORE_START]
        assert not Compact.objects.exists()

    def test_original_term_of_exactly_five_years_is_allowed(self, ghana, staff_user):
        compact = services.compact_create(user=staff_user, **compact_fields(ghana))
        assert compact.end_date == D(2027, 4, 26)

    def test_original_term_longer_than_five_years_is_refused(self, ghana, staff_user):
        with pytest.raises(ValidationError) as excinfo:
            services.compact_create(
                user=staff_user,
                **compact_fields(ghana, end_date=D(2027, 4, 27)))
        assert errors_of(excinfo)["end_date"] == [ERR_TERM_TOO_LONG]

    def test_five_years_from_29_february_ends_28_february(self, ghana, staff_user):
        start = D(2024, 2, 29)
        services.compact_create(
            user=staff_user, **compact_fields(ghana, start_date=start, end_date=D(2029, 2, 28))
        )
        with pytest.raises(ValidationError):
            services.compact_create(
                user=staff_user,
                **compact_fields(ghana, title="B", start_date=start, end_date=D(2029, 3, 1))
            )

    @pytest.mark.parametrize("field", ["us_funding_usd", "partner_contribution_planned_usd"])
    def test_amounts_cannot_be_negative(self, ghana, field, staff_user):
        with pytest.raises(ValidationError) as excinfo:
            services.compact_create(
                user=staff_user,
                **compact_fields(ghana, **{field: Decimal("-1")}))
        assert field in errors_of(excinfo)
        assert not Compact.objects.exists()

    def test_signed_compact_needs_dates(self, ghana, staff_user):
        with pytest.raises(ValidationError) as excinfo:
            services.compact_create(
                user=staff_user,
                **compact_fields(ghana, start_date=None, end_date=None))
        assert ERR_DATES_REQUIRED in errors_of(excinfo)["start_date"]

    def test_negotiating_compact_may_lack_dates(self, ghana, staff_user):
        compact = services.compact_create(
            user=staff_user,
            **compact_fields(ghana, status="negotiating", signed_on=None, start_date=None,
                             end_date=None)
        )
        assert compact.current_end_date is None
        assert not compact.is_active_in(2025)

    def test_invalid_objective_rolls_back_the_compact(self, ghana, staff_user):
        with pytest.raises(ValidationError):
            services.compact_create(
                user=staff_user,
                objectives=[{"pillar": "protection", "description": "ok"},
                            {"pillar": "pleasure", "description": "bad pillar"}],
                **compact_fields(ghana),
            )
        assert not Compact.objects.exists()

    def test_database_refuses_end_before_start_even_without_validation(self, ghana):
        with pytest.raises(IntegrityError), transaction.atomic():
            Compact.objects.create(**compact_fields(ghana, end_date=D(2020, 1, 1)))

    def test_database_refuses_negative_funding_even_without_validation(self, ghana):
        with pytest.raises(IntegrityError), transaction.atomic():
            Compact.objects.create(**compact_fields(ghana, us_funding_usd=Decimal("-5")))


class TestExtensionRules:
    def test_extension_moves_the_end_later(self, ghana_compact, staff_user):
        extension = services.extension_create(
            user=staff_user,
            compact=ghana_compact, signed_on=D(2027, 1, 1), new_end_date=D(2028, 4, 26),
            reason="One more year",
        )
        ghana_compact.refresh_from_db()
        assert ghana_compact.current_end_date == extension.new_end_date
        # The original term is kept as it was.
        assert ghana_compact.end_date == D(2027, 4, 26)

    @pytest.mark.parametrize("new_end", [D(2027, 4, 26), D(2026, 1, 1)])
    def test_extension_not_after_the_current_end_is_refused(self, ghana_compact, new_end,
                                                            staff_user):
        with pytest.raises(ValidationError) as excinfo:
            services.extension_create(
                user=staff_user,
                compact=ghana_compact, signed_on=D(2027, 1, 1), new_end_date=new_end,
                reason="x",
            )
        assert "new_end_date" in errors_of(excinfo)
        assert not Extension.objects.exists()

    def test_second_extension_must_pass_the_first(self, ghana_compact, staff_user):
        ExtensionFactory(compact=ghana_compact, new_end_date=D(2029, 4, 26))
        with pytest.raises(ValidationError) as excinfo:
            services.extension_create(
                user=staff_user,
                compact=ghana_compact, signed_on=D(2028, 1, 1), new_end_date=D(2028, 12, 31),
                reason="shorter than the first extension",
            )
        assert "2029-04-26" in errors_of(excinfo)["new_end_date"][0]

    def test_compact_without_end_cannot_be_extended(self, ghana, staff_user):
        compact = CompactFactory(country=ghana, status="draft", start_date=None, end_date=None)
        with pytest.raises(ValidationError):
            services.extension_create(
                user=staff_user,
                compact=compact, signed_on=D(2027, 1, 1), new_end_date=D(2028, 1, 1), reason="x"
            )


class TestAwardRules:
    @pytest.fixture(autouse=True)
    def _staff(self, staff_user):
        self.staff = staff_user

    def award(self, compact, **overrides):
        fields = {
            "mechanism": "grant",
            "award_number": "AWD-1",
            "amount_usd": Decimal("100"),
            "start_date": compact.start_date,
            "end_date": compact.end_date,
            "pillars": ["protection"],
        } | overrides
        return services.award_create(
            user=self.staff, compact=compact, implementer=ImplementerFactory(), **fields
        )

    def test_award_inside_the_compact_is_saved(self, ghana_compact):
        assert self.award(ghana_compact).pk

    @pytest.mark.parametrize(
        ("field", "value"),
        [("start_date", D(2022, 4, 25)), ("end_date", D(2027, 4, 27))],
    )
    def test_award_dates_outside_the_compact_are_refused(self, ghana_compact, field, value):
        with pytest.raises(ValidationError) as excinfo:
            self.award(ghana_compact, **{field: value})
        assert field in errors_of(excinfo)

    def test_award_may_run_into_an_extension(self, ghana_compact):
        ExtensionFactory(compact=ghana_compact, new_end_date=D(2028, 4, 26))
        ghana_compact.refresh_from_db()
        assert self.award(ghana_compact, end_date=D(2028, 1, 1)).pk

    def test_award_cannot_end_before_it_starts(self, ghana_compact):
        with pytest.raises(ValidationError) as excinfo:
            self.award(ghana_compact, start_date=D(2024, 1, 1), end_date=D(2023, 1, 1))
        assert errors_of(excinfo)["end_date"] == [ERR_AWARD_END_BEFORE_START]

    def test_award_amount_cannot_be_negative(self, ghana_compact):
        with pytest.raises(ValidationError) as excinfo:
            self.award(ghana_compact, amount_usd=Decimal("-0.01"))
        assert "amount_usd" in errors_of(excinfo)

    @pytest.mark.parametrize("pillars", [[], ["justice"], ["protection", "protection"], "x"])
    def test_award_pillars_must_be_known_and_distinct(self, ghana_compact, pillars):
        with pytest.raises(ValidationError) as excinfo:
            self.award(ghana_compact, pillars=pillars)
        assert errors_of(excinfo)["pillars"] == [ERR_PILLARS]

    def test_award_numbers_are_unique(self, ghana_compact):
        AwardFactory(compact=ghana_compact, award_number="AWD-1")
        with pytest.raises(ValidationError) as excinfo:
            self.award(ghana_compact)
        assert "award_number" in errors_of(excinfo)


class TestTierRankingRules:
    def test_one_tier_per_country_and_year(self, ghana, staff_user):
        TierRankingFactory(country=ghana, report_year=2023)
        with pytest.raises(ValidationError) as excinfo:
            services.tier_ranking_create(
                user=staff_user,
                country=ghana, report_year=2023, tier="tier_1")
        assert "report_year" in errors_of(excinfo)
        assert TierRanking.objects.count() == 1

    def test_database_enforces_one_tier_per_country_and_year(self, ghana):
        TierRankingFactory(country=ghana, report_year=2023)
        with pytest.raises(IntegrityError), transaction.atomic():
            TierRanking.objects.create(country=ghana, report_year=2023, tier="tier_3")

    def test_report_year_before_the_first_tip_report_is_refused(self, ghana, staff_user):
        with pytest.raises(ValidationError) as excinfo:
            services.tier_ranking_create(
                user=staff_user,
                country=ghana, report_year=1999, tier="tier_1")
        assert "report_year" in errors_of(excinfo)

    def test_current_tier_is_the_latest_report(self, ghana):
        TierRankingFactory(country=ghana, report_year=2022, tier="tier_2_watch_list")
        TierRankingFactory(country=ghana, report_year=2023, tier="tier_2")
        from compacts.models import PartnerCountry

        assert PartnerCountry.objects.with_current_tier().get(pk=ghana.pk).current_tip_tier == (
            "tier_2"
        )


class TestFiscalYears:
    def test_compact_is_active_in_overlapping_fiscal_years(self, ghana):
        compact = CompactFactory(country=ghana, start_date=D(2022, 4, 26),
                                 end_date=D(2027, 4, 26))
        assert [fy for fy in range(2020, 2030) if compact.is_active_in(fy)] == list(
            range(2022, 2028)
        )
        assert set(Compact.objects.active_in(2028)) == set()
        ExtensionFactory(compact=compact, new_end_date=D(2027, 12, 1))
        assert list(Compact.objects.active_in(2028)) == [compact]


class TestOnlyTipStaffWrite:
    """The services refuse anyone but TIP Office staff, whatever page or request reached
    them: the API's role check is not the only guard."""

    @pytest.fixture
    def writes(self, ghana, ghana_compact):
        award = AwardFactory(compact=ghana_compact)
        return {
            "country_create": lambda user: services.country_create(
                user=user, iso_code="KE", region="africa"),
            "country_update": lambda user: services.country_update(
                user=user, country=ghana, data={"notes": "changed"}),
            "tier_ranking_create": lambda user: services.tier_ranking_create(
                user=user, country=ghana, report_year=2023, tier="tier_1"),
            "compact_create": lambda user: services.compact_create(
                user=user, **compact_fields(ghana, title="Another")),
            "compact_update": lambda user: services.compact_update(
                user=user, compact=ghana_compact, data={"title": "Renamed"}),
            "extension_create": lambda user: services.extension_create(
                user=user, compact=ghana_compact, signed_on=D(2027, 1, 1),
                new_end_date=D(2028, 4, 26), reason="One more year"),
            "award_create": lambda user: services.award_create(
                user=user, compact=ghana_compact, implementer=ImplementerFactory(),
                mechanism="grant", award_number="AWD-9", amount_usd=Decimal("100"),
                start_date=ghana_compact.start_date, end_date=ghana_compact.end_date,
                pillars=["protection"]),
            "award_update": lambda user: services.award_update(
                user=user, award=award, data={"amount_usd": Decimal("5")}),
        }

    @pytest.mark.parametrize("service", [
        "country_create", "country_update", "tier_ranking_create", "compact_create",
        "compact_update", "extension_create", "award_create", "award_update"])
    @pytest.mark.parametrize("who", ["ghana_officer", "auditor_user", "no_role_user", None])
    def test_anyone_but_staff_is_refused(self, request, writes, service, who):
        user = request.getfixturevalue(who) if who else None
        with pytest.raises(PermissionDenied):
            writes[service](user)

    @pytest.mark.parametrize("service", [
        "country_create", "country_update", "tier_ranking_create", "compact_create",
        "compact_update", "extension_create", "award_create", "award_update"])
    def test_staff_may(self, writes, staff_user, service):
        assert writes[service](staff_user).pk
