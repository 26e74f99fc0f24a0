"""The REST contract for countries, tier rankings, compacts, extensions, awards and /me/:
shapes, filters, role and country scope, field-level errors, token auth, history."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from compacts.models import Award, Compact, Extension, PartnerCountry, TierRanking
from tests.compacts.factories import (
    AwardFactory,
    CompactFactory,
    ExtensionFactory,
    ObjectiveFactory,
    PartnerCountryFactory,
    TierRankingFactory,
)

COMPACT_FIELDS = {
    "id", "country", "title", "status", "signed_on", "start_date", "end_date",
    "us_funding_usd", "partner_contribution_planned_usd", "objectives", "current_end_date",
}


def new_compact_payload(partner, **overrides):
    payload = {
        "country": partner.pk,
        "title": "Kenya Child Protection Compact Partnership",
        "status": "signed",
        "signed_on": "2025-01-15",
        "start_date": "2025-02-01",
        "end_date": "2030-01-31",
        "us_funding_usd": "10000000.00",
        "partner_contribution_planned_usd": "750000.00",
        "objectives": [
            {"pillar": "prosecution", "description": "Convict more child traffickers."},
            {"pillar": "protection", "description": "Care for child victims."},
        ],
    }
    return payload | overrides


class TestAuthentication:
    def test_requests_without_credentials_get_401(self, db):
        response = APIClient().get("/api/v1/compacts/")
        assert response.status_code == 401

    def test_token_is_issued_for_valid_credentials_and_authenticates(self, ghana_officer):
        client = APIClient()
        response = client.post(
            "/api/v1/auth/token/", {"username": "officer.gh", "password": "pass-for-tests"},
            format="json",
        )
        assert response.status_code == 200
        token = response.json()["token"]
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        me = client.get("/api/v1/me/")
        assert me.status_code == 200
        assert me.json()["username"] == "officer.gh"

    def test_wrong_password_gets_400_and_no_token(self, ghana_officer):
        response = APIClient().post(
            "/api/v1/auth/token/", {"username": "officer.gh", "password": "wrong"},
            format="json",
        )
        assert response.status_code == 400
        assert "token" not in response.json()

    def test_token_endpoint_slows_down_password_guessing(self, ghana_officer, settings):
        from django.core.cache import cache

        client = APIClient()
        cache.clear()
        try:
            # One guess per username: the lockout (per username and address) never starts,
            # so what answers 429 is the throttle (per address).
            answers = [
                client.post("/api/v1/auth/token/",
                            {"username": f"user-{n}", "password": f"guess-{n}"}).status_code
                for n in range(21)
            ]
        finally:
            cache.clear()  # the throttle's memory must not reach other tests
        assert answers[:20] == [400] * 20
        assert answers[20] == 429

    def test_invalid_token_gets_401(self, db):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
        assert client.get("/api/v1/compacts/").status_code == 401

    def test_user_without_a_role_gets_403(self, no_role_user, api_for):
        assert api_for(no_role_user).get("/api/v1/compacts/").status_code == 403


class TestMe:
    def test_officer_sees_roles_and_assigned_countries(self, officer_api, peru):
        body = officer_api.get("/api/v1/me/").json()
        assert body["roles"] == ["embassy_officer"]
        assert body["countries"] == ["GH"]

    def test_auditor_sees_every_country(self, auditor_api, ghana, peru):
        body = auditor_api.get("/api/v1/me/").json()
        assert body["roles"] == ["auditor"]
        assert body["countries"] == ["GH", "PE"]
        assert body["sees_every_country"] is True


class TestCountries:
    def test_list_shape_and_current_tier(self, staff_api, ghana, peru):
        TierRankingFactory(country=ghana, report_year=2022, tier="tier_2_watch_list")
        TierRankingFactory(country=ghana, report_year=2023, tier="tier_2")
        body = staff_api.get("/api/v1/countries/").json()
        assert body["count"] == 2
        assert set(body) == {"count", "next", "previous", "results"}
        by_code = {c["iso_code"]: c for c in body["results"]}
        assert by_code["GH"]["name"] == "Ghana"
        assert by_code["GH"]["region"] == "africa"
        assert by_code["GH"]["current_tip_tier"] == "tier_2"
        assert by_code["PE"]["current_tip_tier"] is None

    def test_officer_lists_only_assigned_countries(self, officer_api, ghana, peru):
        body = officer_api.get("/api/v1/countries/").json()
        assert [c["iso_code"] for c in body["results"]] == ["GH"]
        assert officer_api.get(f"/api/v1/countries/{peru.pk}/").status_code == 404

    def test_staff_creates_a_country(self, staff_api):
        response = staff_api.post("/api/v1/countries/", {"iso_code": "KE", "region": "africa"})
        assert response.status_code == 201, response.json()
        assert response.json()["name"] == "Kenya"

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"iso_code": "XX", "region": "africa"}, "iso_code"),
            ({"iso_code": "KE", "region": "atlantis"}, "region"),
            ({"region": "africa"}, "iso_code"),
        ],
    )
    def test_bad_country_gives_field_error_and_writes_nothing(self, staff_api, payload, field):
        response = staff_api.post("/api/v1/countries/", payload)
        assert response.status_code == 400
        assert field in response.json()
        assert not PartnerCountry.objects.exists()

    def test_duplicate_iso_code_is_a_field_error(self, staff_api, ghana):
        response = staff_api.post("/api/v1/countries/", {"iso_code": "GH", "region": "africa"})
        assert response.status_code == 400
        assert "iso_code" in response.json()

    def test_tier_rankings_list_and_create(self, staff_api, ghana):
        url = f"/api/v1/countries/{ghana.pk}/tier-rankings/"
        created = staff_api.post(url, {"report_year": 2024, "tier": "tier_2"})
        assert created.status_code == 201, created.json()
        duplicate = staff_api.post(url, {"report_year": 2024, "tier": "tier_1"})
        assert duplicate.status_code == 400
        assert "report_year" in duplicate.json()
        listing = staff_api.get(url).json()
        assert [(r["report_year"], r["tier"]) for r in listing["results"]] == [(2024, "tier_2")]
        assert TierRanking.objects.count() == 1

    def test_bad_tier_is_a_field_error(self, staff_api, ghana):
        response = staff_api.post(
            f"/api/v1/countries/{ghana.pk}/tier-rankings/", {"report_year": 2024, "tier": "4"}
        )
        assert response.status_code == 400
        assert "tier" in response.json()

    def test_officer_cannot_read_tier_rankings_of_other_country(self, officer_api, peru):
        assert officer_api.get(f"/api/v1/countries/{peru.pk}/tier-rankings/").status_code == 404


class TestCompactsRead:
    def test_list_shape(self, staff_api, ghana_compact):
        ObjectiveFactory(compact=ghana_compact, pillar="prevention", description="Prevent it.")
        body = staff_api.get("/api/v1/compacts/").json()
        compact = body["results"][0]
        assert set(compact) >= COMPACT_FIELDS
        assert compact["us_funding_usd"] == "10000000.00"
        assert compact["start_date"] == "2022-04-26"
        assert compact["objectives"] == [{"pillar": "prevention", "description": "Prevent it."}]

    def test_officer_of_ghana_cannot_see_peru_compact(self, officer_api, ghana_compact,
                                                      peru_compact):
        listing = officer_api.get("/api/v1/compacts/").json()
        assert [c["id"] for c in listing["results"]] == [ghana_compact.pk]
        assert officer_api.get(f"/api/v1/compacts/{peru_compact.pk}/").status_code == 404
        assert officer_api.get(f"/api/v1/compacts/{ghana_compact.pk}/").status_code == 200

    def test_unknown_id_is_404(self, staff_api, db):
        assert staff_api.get("/api/v1/compacts/999999/").status_code == 404

    def test_filters(self, staff_api, ghana, peru):
        old = CompactFactory(country=ghana, status="closed", start_date=dt.date(2015, 6, 23),
                             end_date=dt.date(2020, 6, 23), signed_on=dt.date(2015, 6, 23))
        current = CompactFactory(country=peru)

        def ids(query):
            response = staff_api.get(f"/api/v1/compacts/?{query}")
            assert response.status_code == 200, response.json()
            return [c["id"] for c in response.json()["results"]]

        assert ids(f"country={ghana.pk}") == [old.pk]
        assert ids("status=active") == [current.pk]
        assert ids("active_in=2016") == [old.pk]
        assert ids("active_in=2020") == [old.pk]  # FY 2020 ends 30 Sep 2020
        assert ids("active_in=2021") == []
        assert ids("active_in=2025") == [current.pk]

    def test_active_in_counts_extensions(self, staff_api, ghana_compact):
        assert staff_api.get("/api/v1/compacts/?active_in=2028").json()["count"] == 0
        ExtensionFactory(compact=ghana_compact, new_end_date=dt.date(2028, 4, 26))
        body = staff_api.get("/api/v1/compacts/?active_in=2028").json()
        assert body["count"] == 1
        assert body["results"][0]["current_end_date"] == "2028-04-26"

    def test_bad_filter_value_is_400_not_500(self, staff_api, db):
        assert staff_api.get("/api/v1/compacts/?status=happy").status_code == 400
        assert staff_api.get("/api/v1/compacts/?active_in=abc").status_code == 400

    def test_page_size_is_capped_at_200(self, staff_api, db):
        countries = [PartnerCountryFactory() for _ in range(3)]
        for i in range(205):
            CompactFactory(country=countries[i % 3], title=f"Compact {i}")
        body = staff_api.get("/api/v1/compacts/?page_size=500").json()
        assert body["count"] == 205
        assert len(body["results"]) == 200
        assert body["next"] is not None
        assert len(staff_api.get("/api/v1/compacts/?page=2&page_size=200").json()["results"]) == 5


class TestCompactsWrite:
    def test_staff_creates_compact_with_objectives(self, staff_api):
        kenya = PartnerCountryFactory(iso_code="KE")
        response = staff_api.post("/api/v1/compacts/", new_compact_payload(kenya))
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["current_end_date"] == "2030-01-31"
        assert [o["pillar"] for o in body["objectives"]] == ["prosecution", "protection"]
        assert Compact.objects.get(pk=body["id"]).objectives.count() == 2

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"end_date": "2025-01-01"}, "end_date"),  # before start
            ({"end_date": "2030-02-02"}, "end_date"),  # more than five years
            ({"us_funding_usd": "-1.00"}, "us_funding_usd"),
            ({"partner_contribution_planned_usd": "-5"}, "partner_contribution_planned_usd"),
            ({"status": "dreaming"}, "status"),
            ({"start_date": "not-a-date"}, "start_date"),
            ({"start_date": None, "end_date": None}, "start_date"),  # signed without dates
            ({"country": 999999}, "country"),
            ({"title": ""}, "title"),
            ({"objectives": [{"pillar": "justice", "description": "x"}]}, "objectives"),
        ],
    )
    def test_bad_compact_gives_field_error_and_writes_nothing(self, staff_api, overrides,
                                                              field):
        kenya = PartnerCountryFactory(iso_code="KE")
        response = staff_api.post("/api/v1/compacts/", new_compact_payload(kenya, **overrides))
        assert response.status_code == 400
        assert field in response.json(), response.json()
        assert not Compact.objects.exists()

    def test_patch_validates_the_whole_compact(self, staff_api, ghana_compact):
        response = staff_api.patch(
            f"/api/v1/compacts/{ghana_compact.pk}/", {"start_date": "2028-01-01"}
        )
        assert response.status_code == 400
        assert "end_date" in response.json()
        ghana_compact.refresh_from_db()
        assert ghana_compact.start_date == dt.date(2022, 4, 26)

    def test_patch_replaces_objectives(self, staff_api, ghana_compact):
        ObjectiveFactory(compact=ghana_compact)
        response = staff_api.patch(
            f"/api/v1/compacts/{ghana_compact.pk}/",
            {"title": "Renamed", "objectives": [{"pillar": "prevention", "description": "New"}]},
        )
        assert response.status_code == 200, response.json()
        assert response.json()["objectives"] == [{"pillar": "prevention", "description": "New"}]

    def test_compacts_cannot_be_deleted_through_the_api(self, staff_api, ghana_compact):
        assert staff_api.delete(f"/api/v1/compacts/{ghana_compact.pk}/").status_code == 405
        assert Compact.objects.filter(pk=ghana_compact.pk).exists()

    def test_extensions_list_and_create(self, staff_api, ghana_compact):
        url = f"/api/v1/compacts/{ghana_compact.pk}/extensions/"
        created = staff_api.post(url, {"signed_on": "2027-03-01", "new_end_date": "2029-04-26",
                                       "reason": "Two more years"})
        assert created.status_code == 201, created.json()
        too_early = staff_api.post(url, {"signed_on": "2027-03-01",
                                         "new_end_date": "2028-04-26", "reason": "Shorter"})
        assert too_early.status_code == 400
        assert "new_end_date" in too_early.json()
        listing = staff_api.get(url).json()
        assert [e["new_end_date"] for e in listing["results"]] == ["2029-04-26"]
        compact = staff_api.get(f"/api/v1/compacts/{ghana_compact.pk}/").json()
        assert compact["current_end_date"] == "2029-04-26"
        assert compact["end_date"] == "2027-04-26"

    def test_extension_without_reason_is_a_field_error(self, staff_api, ghana_compact):
        response = staff_api.post(
            f"/api/v1/compacts/{ghana_compact.pk}/extensions/",
            {"signed_on": "2027-03-01", "new_end_date": "2029-04-26"},
        )
        assert response.status_code == 400
        assert "reason" in response.json()
        assert not Extension.objects.exists()

    def test_officer_cannot_read_extensions_of_other_country(self, officer_api, peru_compact):
        url = f"/api/v1/compacts/{peru_compact.pk}/extensions/"
        assert officer_api.get(url).status_code == 404


class TestAwards:
    def payload(self, compact, **overrides):
        return {
            "compact": compact.pk,
            "implementer": "Save the Children",
            "mechanism": "cooperative_agreement",
            "award_number": "SAMPLE-CI-1",
            "amount_usd": "5000000.00",
            "start_date": "2023-06-01",
            "end_date": "2027-01-31",
            "pillars": ["protection", "prevention"],
        } | overrides

    def test_staff_creates_award_with_implementer_by_name(self, staff_api, ghana_compact):
        response = staff_api.post("/api/v1/awards/", self.payload(ghana_compact))
        assert response.status_code == 201, response.json()
        assert response.json()["implementer"] == "Save the Children"
        again = staff_api.post(
            "/api/v1/awards/", self.payload(ghana_compact, award_number="SAMPLE-CI-2")
        )
        assert again.status_code == 201
        assert Award.objects.values("implementer").distinct().count() == 1

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"start_date": "2021-01-01"}, "start_date"),
            ({"end_date": "2030-01-01"}, "end_date"),
            ({"start_date": "2025-01-01", "end_date": "2024-01-01"}, "end_date"),
            ({"amount_usd": "-1"}, "amount_usd"),
            ({"pillars": []}, "pillars"),
            ({"pillars": ["punishment"]}, "pillars"),
            ({"mechanism": "loan"}, "mechanism"),
            ({"implementer": ""}, "implementer"),
        ],
    )
    def test_bad_award_gives_field_error_and_writes_nothing(self, staff_api, ghana_compact,
                                                            overrides, field):
        response = staff_api.post("/api/v1/awards/", self.payload(ghana_compact, **overrides))
        assert response.status_code == 400
        assert field in response.json(), response.json()
        assert not Award.objects.exists()

    def test_duplicate_award_number_is_a_field_error(self, staff_api, ghana_compact):
        AwardFactory(compact=ghana_compact, award_number="SAMPLE-CI-1")
        response = staff_api.post("/api/v1/awards/", self.payload(ghana_compact))
        assert response.status_code == 400
        assert "award_number" in response.json()

    def test_awards_filter_by_compact_and_scope(self, officer_api, staff_api, ghana_compact,
                                                peru_compact):
        mine = AwardFactory(compact=ghana_compact)
        theirs = AwardFactory(compact=peru_compact)
        listed = officer_api.get("/api/v1/awards/").json()["results"]
        assert [a["id"] for a in listed] == [mine.pk]
        assert officer_api.get(f"/api/v1/awards/{theirs.pk}/").status_code == 404
        filtered = staff_api.get(f"/api/v1/awards/?compact={peru_compact.pk}").json()
        assert [a["id"] for a in filtered["results"]] == [theirs.pk]


def write_requests(ghana, compact, award):
    return [
        ("post", "/api/v1/countries/", {"iso_code": "KE", "region": "africa"}),
        ("patch", f"/api/v1/countries/{ghana.pk}/", {"notes": "x"}),
        ("post", f"/api/v1/countries/{ghana.pk}/tier-rankings/",
         {"report_year": 2024, "tier": "tier_1"}),
        ("post", "/api/v1/compacts/", new_compact_payload(ghana)),
        ("patch", f"/api/v1/compacts/{compact.pk}/", {"title": "Changed"}),
        ("post", f"/api/v1/compacts/{compact.pk}/extensions/",
         {"signed_on": "2027-01-01", "new_end_date": "2028-01-01", "reason": "x"}),
        ("post", "/api/v1/awards/", {"compact": compact.pk}),
        ("patch", f"/api/v1/awards/{award.pk}/", {"amount_usd": "1.00"}),
    ]


class TestRoles:
    def test_auditor_gets_403_on_every_write(self, auditor_api, ghana, ghana_compact):
        award = AwardFactory(compact=ghana_compact)
        before = (PartnerCountry.objects.count(), Compact.objects.count(), Award.objects.count())
        for method, url, data in write_requests(ghana, ghana_compact, award):
            response = getattr(auditor_api, method)(url, data)
            assert response.status_code == 403, (method, url, response.status_code)
        assert before == (
            PartnerCountry.objects.count(), Compact.objects.count(), Award.objects.count()
        )
        ghana_compact.refresh_from_db()
        assert ghana_compact.title != "Changed"

    def test_embassy_officer_gets_403_on_program_writes(self, officer_api, ghana,
                                                        ghana_compact):
        award = AwardFactory(compact=ghana_compact)
        for method, url, data in write_requests(ghana, ghana_compact, award):
            response = getattr(officer_api, method)(url, data)
            assert response.status_code == 403, (method, url, response.status_code)

    def test_auditor_reads_everything(self, auditor_api, ghana_compact, peru_compact):
        assert auditor_api.get("/api/v1/compacts/").json()["count"] == 2
        assert auditor_api.get(f"/api/v1/compacts/{peru_compact.pk}/").status_code == 200


class TestHistory:
    def test_history_records_who_changed_what(self, staff_api, auditor_api, staff_user,
                                              ghana_compact):
        staff_api.patch(f"/api/v1/compacts/{ghana_compact.pk}/", {"title": "Renamed compact"})
        response = auditor_api.get(f"/api/v1/compacts/{ghana_compact.pk}/history/")
        assert response.status_code == 200
        entries = response.json()["results"]
        latest = entries[0]
        assert latest["action"] == "changed"
        assert latest["user"] == "staff"
        assert {"field": "title", "old": ghana_compact.title, "new": "Renamed compact"} in (
            latest["changes"]
        )
        assert entries[-1]["action"] == "created"

    def test_history_is_scoped_like_the_record(self, officer_api, peru_compact):
        assert officer_api.get(f"/api/v1/compacts/{peru_compact.pk}/history/").status_code == 404

    def test_every_domain_model_keeps_history(self, staff_api, ghana, ghana_compact):
        from django.apps import apps

        project_models = [
            m for m in apps.get_models()
            if m._meta.app_label in {"compacts", "indicators", "dialogues", "contributions",
                                     "reports"}
            and not m.__name__.startswith("Historical")
            # A counter of writes (cpc/access/cache_version.py), not a record of the program.
            and m.__name__ != "RecordsVersion"
        ]
        assert project_models
        missing = [m.__name__ for m in project_models if not hasattr(m, "history")]
        assert missing == []


class TestSchema:
    def test_schema_is_served_and_lists_the_contract(self, staff_api):
        response = staff_api.get("/api/schema/", HTTP_ACCEPT="application/json")
        assert response.status_code == 200
        schema = response.json()
        assert schema["openapi"].startswith("3.")
        for path in ["/api/v1/countries/", "/api/v1/countries/{id}/tier-rankings/",
                     "/api/v1/compacts/", "/api/v1/compacts/{id}/extensions/",
                     "/api/v1/awards/", "/api/v1/me/", "/api/v1/auth/token/"]:
            assert path in schema["paths"], path
        compact = schema["components"]["schemas"]["Compact"]["properties"]
        assert set(compact) >= COMPACT_FIELDS

    def test_docs_page_is_served_without_a_cdn(self, client, staff_user):
        client.force_login(staff_user)
        response = client.get("/api/docs/")
        assert response.status_code == 200
        assert b"cdn.jsdelivr.net" not in response.content


class TestQueryCounts:
    @pytest.mark.parametrize("url", ["/api/v1/compacts/", "/api/v1/awards/",
                                     "/api/v1/countries/"])
    def test_list_queries_do_not_grow_with_rows(self, staff_api, django_assert_max_num_queries,
                                                url):
        def populate(n):
            for _ in range(n):
                compact = CompactFactory(country=PartnerCountryFactory())
                ObjectiveFactory(compact=compact)
                AwardFactory(compact=compact)
                TierRankingFactory(country=compact.country)

        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        populate(2)
        with CaptureQueriesContext(connection) as small:
            assert staff_api.get(url).status_code == 200
        populate(20)
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert staff_api.get(url).status_code == 200


def test_openapi_schema_is_valid_and_generates_without_warnings(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yml"
    # --fail-on-warn: a serializer the generator cannot describe fails here, not in
    # production's deployment check.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/reports/" in target.read_text()


@pytest.mark.parametrize("url", ["/api/v1/compacts/?country={peru_country}",
                                 "/api/v1/awards/?compact={peru_compact}",
                                 "/api/v1/indicators/?compact={peru_compact}",
                                 "/api/v1/dialogues/?compact={peru_compact}",
                                 "/api/v1/contributions/?compact={peru_compact}"])
def test_filters_do_not_reveal_other_countries_ids(officer_api, ghana_compact, peru_compact,
                                                   url):
    # Another country's id answers exactly like an id that does not exist.
    theirs = officer_api.get(url.format(peru_country=peru_compact.country_id,
                                        peru_compact=peru_compact.pk))
    missing = officer_api.get(url.format(peru_country=999999, peru_compact=999999))
    assert theirs.status_code == missing.status_code == 400
    assert theirs.json() == missing.json()
    mine = officer_api.get(url.format(peru_country=ghana_compact.country_id,
                                      peru_compact=ghana_compact.pk))
    assert mine.status_code == 200
