import pytest

from compacts import demo as compacts_demo
from contributions import demo
from contributions.models import Contribution, PlanStatus, SustainabilityPlan


@pytest.mark.django_db
def test_demo_seed_is_idempotent_labelled_and_has_one_overdue_and_one_accepted_plan():
    compacts_demo.seed(password="pw-for-tests")
    first = demo.seed(password="pw-for-tests")
    assert first["contributions"] == len(demo.CONTRIBUTIONS)
    assert demo.seed(password="pw-for-tests") == {"contributions": 0, "sustainability plans": 0}
    assert all("Sample" in c.description for c in Contribution.objects.all())
    assert SustainabilityPlan.objects.overdue().count() == 1
    assert SustainabilityPlan.objects.filter(status=PlanStatus.ACCEPTED).count() == 1
    assert SustainabilityPlan.objects.filter(status=PlanStatus.NOT_REQUESTED).count() == len(
        demo.OTHER_PLANS)
