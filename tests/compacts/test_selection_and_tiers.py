"""The compact's selection record (why this country) and the TIP Report tier by report
year: the service's rules, the staff pages, the API's report year, and the rule that a tier
is never shown without the year of its report."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from compacts.models import SelectionFactor, Tier, TierRanking
from compacts.selection import NEW_VERSION, selection_factor_save
from cpc.versions import RecordChanged, record_version
from tests.compacts.factories import SelectionFactorFactory, TierRankingFactory

pytestmark = pytest.mark.django_db

FIELDS = {"value": "Lower-middle income", "source": "World Bank classification FY2023",
          "as_of": dt.date(2022, 7, 1)}
TIER_LABELS = [str(label) for label in Tier.labels]


def _save(user, compact, **changes):
    return selection_factor_save(user=user, compact=compact, factor="income_level",
                                 **(FIELDS | changes))


class TestSelectionService:
    def test_staff_record_a_factor_with_provenance(self, staff_user, ghana_compact):
        factor = _save(staff_user, ghana_compact)
        assert (factor.recorded_by, factor.is_sample) == (staff_user, False)
        assert factor.recorded_at is not None and factor.history.count() == 1

    @pytest.mark.parametrize("who", ["auditor_user", "ghana_officer"])
    def test_others_may_not_write(self, request, who, ghana_compact):
        with pytest.raises(PermissionDenied):
            _save(request.getfixturevalue(who), ghana_compact)
        assert not SelectionFactor.objects.exists()

    def test_a_date_in_the_future_is_refused(self, staff_user, ghana_compact):
        with pytest.raises(ValidationError) as error:
            _save(staff_user, ghana_compact,
                  as_of=timezone.localdate() + dt.timedelta(days=1))
        assert "as_of" in error.value.message_dict

    def test_saving_again_changes_the_one_row(self, staff_user, ghana_compact):
        first = _save(staff_user, ghana_compact)
        _save(staff_user, ghana_compact, value="Upper-middle income",
              version=record_version(first))
        assert list(SelectionFactor.objects.values_list("value", flat=True)) == [
            "Upper-middle income"]

    def test_a_stale_page_is_refused(self, staff_user, ghana_compact):
        first = _save(staff_user, ghana_compact)
        shown = record_version(first)
        _save(staff_user, ghana_compact, value="Changed meanwhile", version=shown)
        with pytest.raises(RecordChanged):
            _save(staff_user, ghana_compact, value="Mine", version=shown)
        with pytest.raises(RecordChanged):  # shown as not recorded, recorded meanwhile
            _save(staff_user, ghana_compact, value="Mine", version=NEW_VERSION)
        assert SelectionFactor.objects.get().value == "Changed meanwhile"

    def test_database_keeps_one_row_per_factor(self, ghana_compact):
        SelectionFactorFactory(compact=ghana_compact)
        with pytest.raises(ValidationError):
            SelectionFactorFactory.build(compact=ghana_compact).validate_constraints()


class TestSelectionPages:
    def url(self, compact):
        return f"/compacts/{compact.pk}/selection/"

    def test_staff_save_a_factor_and_the_compact_page_shows_it(self, client, staff_user,
                                                                ghana_compact):
        client.force_login(staff_user)
        assert b"Free, 80/100" not in client.get(f"/compacts/{ghana_compact.pk}/").content
        page = client.get(self.url(ghana_compact))
        assert page.status_code == 200
        assert page.content.count(b'data-testid="selection-factor-form"') == 10
        response = client.post(self.url(ghana_compact), {
            "factor": "freedom_house", "freedom_house-value": "Free, 80/100",
            "freedom_house-source": "Freedom in the World 2022",
            "freedom_house-as_of": "2022-02-24", "freedom_house-version": NEW_VERSION})
        assert response.status_code == 302
        compact_page = client.get(f"/compacts/{ghana_compact.pk}/").content.decode()
        for text in ["Free, 80/100", "Freedom in the World 2022", "Feb 24, 2022",
                     "Edit the selection record"]:
            assert text in compact_page

    def test_a_bad_date_is_a_form_error(self, client, staff_user, ghana_compact):
        client.force_login(staff_user)
        response = client.post(self.url(ghana_compact), {
            "factor": "income_level", "income_level-value": "Low income",
            "income_level-source": "World Bank", "income_level-as_of": "2999-01-01",
            "income_level-version": NEW_VERSION})
        assert response.status_code == 400
        assert b'data-testid="error-summary"' in response.content
        assert not SelectionFactor.objects.exists()

    def test_readers_are_refused_and_see_no_edit_link(self, client, auditor_user,
                                                      ghana_compact):
        client.force_login(auditor_user)
        assert client.get(self.url(ghana_compact)).status_code == 403
        assert client.post(self.url(ghana_compact), {"factor": "income_level"}
                           ).status_code == 403
        page = client.get(f"/compacts/{ghana_compact.pk}/").content
        assert b"Why this country" in page and b"Edit the selection record" not in page

    def test_another_countrys_compact_is_a_404(self, client, ghana_officer, peru_compact):
        client.force_login(ghana_officer)
        assert client.get(self.url(peru_compact)).status_code == 404


class TestTierPages:
    def test_staff_record_a_tier_and_a_duplicate_year_is_a_form_error(self, client,
                                                                      staff_user, ghana):
        client.force_login(staff_user)
        url = f"/compacts/countries/{ghana.pk}/tiers/"
        assert client.post(url, {"report_year": 2023, "tier": "tier_2"}).status_code == 302
        again = client.post(url, {"report_year": 2023, "tier": "tier_1"})
        assert again.status_code == 400
        assert b"already has a tier for that report year" in again.content
        assert list(TierRanking.objects.values_list("report_year", "tier")) == [
            (2023, "tier_2")]

    def test_officer_reads_own_country_writes_nothing(self, client, ghana_officer, ghana,
                                                      peru):
        TierRankingFactory(country=ghana, report_year=2023, tier="tier_2")
        client.force_login(ghana_officer)
        page = client.get(f"/compacts/countries/{ghana.pk}/tiers/")
        assert page.status_code == 200 and b'data-testid="tier-form"' not in page.content
        assert client.post(f"/compacts/countries/{ghana.pk}/tiers/",
                           {"report_year": 2024, "tier": "tier_1"}).status_code == 403
        assert client.get(f"/compacts/countries/{peru.pk}/tiers/").status_code == 404
        assert TierRanking.objects.count() == 1


class TestTierAlwaysWithItsYear:
    def test_api_gives_the_report_year_beside_the_tier(self, staff_api, ghana, peru):
        TierRankingFactory(country=ghana, report_year=2022, tier="tier_2_watch_list")
        TierRankingFactory(country=ghana, report_year=2023, tier="tier_2")
        rows = {row["iso_code"]: row for row in staff_api.get("/api/v1/countries/").json()[
            "results"]}
        assert (rows["GH"]["current_tip_tier"], rows["GH"]["tip_tier_report_year"]) == (
            "tier_2", 2023)
        assert (rows["PE"]["current_tip_tier"], rows["PE"]["tip_tier_report_year"]) == (
            None, None)
        one = staff_api.get(f"/api/v1/countries/{ghana.pk}/").json()
        assert one["tip_tier_report_year"] == 2023

    def test_every_tier_on_the_pages_stands_beside_its_year(self, client, auditor_user,
                                                            ghana_compact):
        TierRankingFactory(country=ghana_compact.country, report_year=2022,
                           tier="tier_2_watch_list")
        TierRankingFactory(country=ghana_compact.country, report_year=2023, tier="tier_1")
        client.force_login(auditor_user)
        shown = 0
        for url in [f"/compacts/{ghana_compact.pk}/",
                    f"/compacts/countries/{ghana_compact.country_id}/tiers/"]:
            html = client.get(url).content.decode()
            # Each row, item, definition or paragraph on its own.
            for line in re.split(r"\n|</tr>|</dd>|</li>|</p>", html):
                text = re.sub(r"<[^>]+>", " ", line)
                for label in TIER_LABELS:
                    if re.search(rf"\b{re.escape(label)}\b", text):
                        shown += 1
                        assert re.search(r"\b(2022|2023)\b", text), (
                            f"{url}: a tier without its report year: {text.strip()}")
        assert shown >= 5  # the latest tier, and the history on both pages
        assert "Current TIP Report tier" not in html

    def test_no_template_shows_a_tier_without_its_report_year(self):
        """A template line that shows a tier names the report year on the same line."""
        root = Path(__file__).resolve().parents[2] / "templates"
        shows_tier = re.compile(r"get_tier_display|current_tip_tier|tier_display")
        offenders = [
            f"{path.relative_to(root)}:{number}"
            for path in root.rglob("*.html")
            for number, line in enumerate(path.read_text().splitlines(), 1)
            if shows_tier.search(line) and "report_year" not in line]
        assert offenders == []
        assert any(shows_tier.search(p.read_text()) for p in root.rglob("*.html"))
