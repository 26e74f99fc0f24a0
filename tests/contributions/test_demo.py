import pytest

from compacts import demo as compacts_demo
from compacts.management.commands.seed_demo import open_locked_years
from contributions import demo
from contributions.models import Contribution, PlanStatus, SustainabilityPlan


@pytest.mark.django_db
def test_demo_seed_is_idempotent_labelled_and_receives_no_plan():
    compacts_demo.seed(password="pw-for-tests")
    open_locked_years()  # as seed_demo does before the seeders write past years
    first = demo.seed(password="pw-for-tests")
    active = [c for c in demo.CONTRIBUTIONS
              if compacts_demo.Compact.objects.get(country__iso_code=c[0]).is_active_in(c[1])]
    assert first["contributions"] == len(active) > 0
    assert demo.seed(password="pw-for-tests") == {"contributions": 0, "sustainability plans": 0}
    assert all("Sample" in c.description for c in Contribution.objects.all())
    assert all(c.evidence for c in Contribution.objects.all())
    # Peru's plan, due when its extension ended, was never received.
    assert [p.compact.country.iso_code for p in SustainabilityPlan.objects.overdue()] == ["PE"]
    assert not SustainabilityPlan.objects.filter(
        status__in=[PlanStatus.RECEIVED, PlanStatus.ACCEPTED]).exists()
    assert SustainabilityPlan.objects.filter(status=PlanStatus.NOT_REQUESTED).count() == len(
        demo.OTHER_PLANS)


def test_sample_evidence_is_a_pdf():
    data = demo.sample_pdf("Sample evidence.")
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
