"""Helpers of the check integrity modules (tests/oversight/test_check_<n>_integrity.py): a
check's verdict read the three ways a user meets it, and a write through an admin change
form as a person would post it."""

import html
import re

from django.db.models import Model, QuerySet
from django.db.models.fields.files import FieldFile

from oversight.compliance import compact_compliance

# One row of the compact page's compliance table (templates/oversight/_compact_detail_body).
ROW = re.compile(r'data-testid="compliance-row">\s*<td[^>]*>(\d)</td>\s*<th scope="row"[^>]*>'
                 r'.*?</th>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>', re.S)
WORDS = {"met": "Met", "not_met": "Not met", "not_applicable": "Not applicable"}


def words(check) -> str:
    """The status as the compact page says it (never colour alone)."""
    if check.status == "pending":
        return f"Pending, due {check.due_on:%Y-%m-%d}"
    return WORDS[check.status]


def read_check(number: int, compact, fiscal_year: int, *, api, client, today=None):
    """Check ``number`` of ``compact`` for ``fiscal_year`` as ``compact_compliance`` gives
    it, asserting that ``/api/v1/compacts/<id>/compliance/`` (``api``) and the compact page
    (``client``, signed in) say the same: status, due day, the words shown and the detail.
    The API and the page judge today; so does this unless ``today`` is given, in which case
    only ``compact_compliance`` is read (a day the server cannot be asked about)."""
    computed = next(c for c in compact_compliance(compact=compact, fiscal_year=fiscal_year,
                                                  today=today)
                    if c.recommendation == number)
    if today is not None:
        return computed
    response = api.get(f"/api/v1/compacts/{compact.pk}/compliance/",
                       {"fiscal_year": fiscal_year})
    assert response.status_code == 200, response.content
    served = next(c for c in response.json()["checks"] if c["recommendation"] == number)
    due = computed.due_on.isoformat() if computed.due_on else None
    assert (served["status"], served["due_on"], served["detail"]) == (
        computed.status, due, computed.detail)
    page = client.get(f"/compacts/{compact.pk}/", {"fiscal_year": fiscal_year})
    assert page.status_code == 200
    rows = {int(n): (" ".join(re.sub(r"<[^>]+>", " ", status).split()),
                     html.unescape(detail))
            for n, status, detail in ROW.findall(page.content.decode())}
    assert rows[number] == (words(computed), computed.detail)
    return computed


def _posted(value):
    if isinstance(value, (list, tuple, QuerySet)):
        return [getattr(item, "pk", item) for item in value]
    if isinstance(value, Model):
        return value.pk
    return value


def admin_change(client, url: str, **changes):
    """POST the admin change form at ``url`` as shown, with ``changes``; inline rows are left
    as they are. Fields the admin shows read-only are not in its form: posting them changes
    nothing, as for a person who edits the page's HTML."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or isinstance(value, FieldFile):
            continue
        data[name] = _posted(value)
    for prefix in set(re.findall(r'name="([\w-]+)-TOTAL_FORMS"', page.content.decode())):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    data |= {name: _posted(value) for name, value in changes.items()}
    return client.post(url, data)
