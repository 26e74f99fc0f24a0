"""The dialogue record's steps: rows added without JavaScript and through htmx, rows removed
only where that loses no oversight data, stale writes refused, and the dialogue's and
results' documents stored privately and served only within scope."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cpc.versions import ERR_RECORD_CHANGED
from dialogues import services
from dialogues.models import ActionItem, DialogueAttachment, Participant
from indicators.models import ResultDocument
from tests.dialogues.factories import (
    ActionItemFactory,
    DialogueFactory,
    IndicatorFactory,
    ParticipantFactory,
    ResultFactory,
    TargetFactory,
)
from tests.dialogues.test_pages import rows
from tests.test_edit_pages import form_fields, open_page

# Past fiscal years are written here about other rules: opened (see tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]

PDF = b"%PDF-1.4 agenda of the dialogue"


@pytest.fixture
def dialogue(ghana_compact):
    return DialogueFactory(compact=ghana_compact, fiscal_year=2025,
                           scheduled_for=dt.date(2025, 3, 10))


def url(dialogue, step):
    return f"/dialogues/{dialogue.pk}/record/{step}/"


def names(content: str, prefix: str) -> list[str]:
    return re.findall(rf'name="({prefix}-\d+-name)"', content)


# Rows ----------------------------------------------------------------------------------------


def test_add_another_row_without_javascript_keeps_what_was_typed(client, ghana_officer,
                                                                  dialogue):
    client.force_login(ghana_officer)
    data = open_page(client, url(dialogue, "hold"), testid="step-form")
    assert data["participants-TOTAL_FORMS"] == "1"
    data |= {"participants-0-name": "Ama Mensah", "participants-0-organization": "Police",
             "participants-0-side": "partner_government", "add": "participants"}
    response = client.post(url(dialogue, "hold"), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert names(content, "participants") == ["participants-0-name", "participants-1-name"]
    assert 'value="Ama Mensah"' in content
    assert 'name="participants-TOTAL_FORMS" value="2"' in content
    # The new row takes the focus, and nothing is saved until the step is.
    assert re.search(r'name="participants-1-name"[^>]*autofocus', content)
    assert not Participant.objects.exists()
    # Again from the page it returned: a third row, then saving all three.
    again = form_fields(content, testid="step-form")
    third = client.post(url(dialogue, "hold"), again | {"add": "participants"})
    again = form_fields(third.content.decode(), testid="step-form")
    for index, name in enumerate(["Ama Mensah", "Kofi Boateng", "Jane Doe"]):
        again |= {f"participants-{index}-name": name,
                  f"participants-{index}-organization": "Ministry",
                  f"participants-{index}-side": "partner_government"}
    saved = client.post(url(dialogue, "hold"), again)
    assert saved.status_code == 302
    assert dialogue.participants.count() == 3


def test_htmx_add_row_answers_with_the_rows_it_swaps_in(client, ghana_officer, dialogue):
    client.force_login(ghana_officer)
    data = open_page(client, url(dialogue, "outcomes"), testid="step-form")
    response = client.post(url(dialogue, "outcomes"), data | {"add": "discussions"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    content = response.content.decode()
    rows_div = content[content.index('id="discussions-rows"'):]
    rows_div = rows_div[:rows_div.index('data-testid="add-discussions"')]
    assert 'name="discussions-TOTAL_FORMS" value="2"' in rows_div
    assert 'name="discussions-1-notes"' in rows_div
    # The button that asked for it targets the same container.
    assert 'hx-select="#discussions-rows"' in content
    assert client.post(url(dialogue, "outcomes"), data | {"add": "nope"}).status_code == 400


def test_a_participant_row_can_be_removed(client, ghana_officer, dialogue):
    ParticipantFactory(dialogue=dialogue, name="Ama Mensah")
    ParticipantFactory(dialogue=dialogue, name="Kofi Boateng")
    client.force_login(ghana_officer)
    data = open_page(client, url(dialogue, "hold"), testid="step-form")
    index = next(k.split("-")[1] for k, v in data.items()
                 if k.endswith("-name") and v == "Kofi Boateng")
    response = client.post(url(dialogue, "hold"), data | {f"participants-{index}-DELETE": "on"})
    assert response.status_code == 302
    assert list(dialogue.participants.values_list("name", flat=True)) == ["Ama Mensah"]
    # Its history keeps that Kofi Boateng took part until removed.
    assert Participant.history.filter(name="Kofi Boateng", history_type="-").exists()


def test_saved_action_items_are_dropped_not_deleted(client, ghana_officer, dialogue):
    item = ActionItemFactory(dialogue=dialogue, description="Publish the shelter standards")
    client.force_login(ghana_officer)
    content = client.get(url(dialogue, "outcomes")).content.decode()
    assert 'name="items-0-DELETE"' not in content  # the saved row has no remove box
    assert 'name="items-1-DELETE"' in content  # the new blank row has one
    data = form_fields(content, testid="step-form")
    data |= {"items-0-status": "dropped",
             "items-1-description": "Typed, then removed before saving",
             "items-1-DELETE": "on", "items-0-DELETE": "on"}  # a forged box is ignored
    response = client.post(url(dialogue, "outcomes"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(ActionItem.objects.values_list("description", "status")) == [
        (item.description, "dropped")]


def test_a_participant_changed_meanwhile_is_not_overwritten(client, ghana_officer, dialogue):
    person = ParticipantFactory(dialogue=dialogue, name="Ama Mensah", organization="Police")
    client.force_login(ghana_officer)
    data = open_page(client, url(dialogue, "hold"), testid="step-form")
    services.participant_update(user=ghana_officer, participant=person,
                                data={"organization": "Ghana Police"})
    response = client.post(url(dialogue, "hold"), data | {"participants-0-name": "A. Mensah"})
    assert response.status_code == 409
    assert str(ERR_RECORD_CHANGED) in response.content.decode()
    person.refresh_from_db()
    assert (person.name, person.organization) == ("Ama Mensah", "Ghana Police")


def test_hold_step_marks_the_dialogue_held_and_refuses_a_future_date(client, ghana_officer,
                                                                     ghana_compact):
    today = timezone.localdate()
    dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2026, scheduled_for=today)
    client.force_login(ghana_officer)
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    empty = rows("participants", [])
    refused = client.post(url(dialogue, "hold"), {"held_on": tomorrow, **empty})
    assert refused.status_code == 400
    assert refused.context["form"].errors["held_on"]
    held = client.post(url(dialogue, "hold"), {"held_on": today.isoformat(), **empty})
    assert held.status_code == 302
    dialogue.refresh_from_db()
    assert (dialogue.status, dialogue.held_on) == ("held", today)


def test_close_step_lists_what_is_missing_then_closes(client, ghana_officer, ghana_compact):
    today = timezone.localdate()
    dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2026, scheduled_for=today,
                               status="held", held_on=today)
    client.force_login(ghana_officer)
    content = client.get(url(dialogue, "close")).content.decode()
    for gap in ("No key indicators are identified.", "No participants are recorded.",
                "Write a summary of the dialogue before closing it."):
        assert gap in content
    refused = client.post(url(dialogue, "close"))
    assert refused.status_code == 400
    assert "Write a summary" in refused.context["form"].non_field_errors()[0]
    services.dialogue_update(user=ghana_officer, dialogue=dialogue,
                             data={"summary": "Reviewed everything."})
    # Checks read not met once closed: a reason, then the confirmation (tests/dialogues/
    # test_closing.py).
    closed = client.post(url(dialogue, "close"), {
        "reason": "Closed as it stands: the ministry sends nothing more.", "confirm": "1"})
    assert closed.status_code == 302 and closed["Location"] == f"/dialogues/{dialogue.pk}/"
    dialogue.refresh_from_db()
    assert dialogue.status == "closed"
    # A closed record is read on its page, not edited.
    assert client.get(url(dialogue, "prepare"))["Location"] == f"/dialogues/{dialogue.pk}/"


# Documents -----------------------------------------------------------------------------------


def attach(client, dialogue, step="prepare", kind="agenda", content=PDF, name="agenda.pdf"):
    return client.post(url(dialogue, step), {
        "attach": "1", "attach-kind": kind, "attach-title": "Agenda",
        "attach-file": SimpleUploadedFile(name, content)})


def test_officer_attaches_an_agenda_seen_in_the_record_and_the_pack(
        client, ghana_officer, auditor_user, dialogue, private_storage):
    client.force_login(ghana_officer)
    response = attach(client, dialogue)
    assert response.status_code == 302, response.content.decode()[:2000]
    document = DialogueAttachment.objects.get()
    assert (document.kind, document.uploaded_by) == ("agenda", ghana_officer)
    assert not document.file.url.startswith("/media")  # served through the checking view
    link = f"/dialogues/attachments/{document.pk}/"
    for page in (f"/dialogues/{dialogue.pk}/", f"/dialogues/{dialogue.pk}/preparation/",
                 url(dialogue, "prepare")):
        assert link in client.get(page).content.decode()
    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    client.force_login(auditor_user)
    assert client.get(link).status_code == 200
    assert client.get(document.file.url)["Location"] == link
    # Auditors read, never write.
    assert attach(client, dialogue).status_code == 403
    assert DialogueAttachment.objects.count() == 1


def test_officers_never_reach_another_countrys_document(client, ghana_officer, peru_compact,
                                                        staff_user, private_storage):
    theirs = DialogueFactory(compact=peru_compact)
    client.force_login(staff_user)
    assert attach(client, theirs).status_code == 302
    document = DialogueAttachment.objects.get()
    client.force_login(ghana_officer)
    assert client.get(f"/dialogues/attachments/{document.pk}/").status_code == 404
    assert client.get(document.file.url).status_code == 404
    assert attach(client, theirs).status_code == 404
    assert DialogueAttachment.objects.count() == 1


def test_a_page_renamed_pdf_or_the_wrong_kind_is_refused_beside_the_field(
        client, ghana_officer, dialogue, private_storage):
    client.force_login(ghana_officer)
    page = attach(client, dialogue, content=b"<html><script>alert(1)</script></html>")
    assert page.status_code == 400
    assert page.context["attachment_form"].errors["file"]
    # Minutes are filed once the dialogue is held, on the outcomes step.
    minutes = attach(client, dialogue, kind="minutes")
    assert minutes.status_code == 400
    assert minutes.context["attachment_form"].errors["kind"]
    assert attach(client, dialogue, step="outcomes", kind="minutes").status_code == 302
    assert not DialogueAttachment.objects.filter(kind="agenda").exists()


def test_result_source_documents_are_attached_and_served_in_scope(
        client, ghana_officer, auditor_user, peru_compact, ghana_compact, private_storage):
    indicator = IndicatorFactory(compact=ghana_compact)
    result = ResultFactory(indicator=indicator, fiscal_year=2024, status="submitted")
    page = f"/indicators/compact/{ghana_compact.pk}/results/{result.pk}/documents/"
    client.force_login(ghana_officer)
    assert client.get(page).status_code == 200
    response = client.post(page, {"title": "Police case register",
                                  "file": SimpleUploadedFile("register.pdf", PDF)})
    assert response.status_code == 302
    document = ResultDocument.objects.get()
    assert (document.result, document.uploaded_by) == (result, ghana_officer)
    link = f"/indicators/documents/{document.pk}/"
    assert link in client.get(page).content.decode()
    assert client.get(link).status_code == 200
    bad = client.post(page, {"file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00binary")})
    assert bad.status_code == 400 and bad.context["form"].errors["file"]
    client.force_login(auditor_user)
    assert client.get(link).status_code == 200
    assert client.post(page, {"file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 403
    theirs = ResultFactory(indicator=IndicatorFactory(compact=peru_compact), fiscal_year=2024)
    ResultDocument.objects.create(result=theirs, file=SimpleUploadedFile("p.pdf", PDF))
    client.force_login(ghana_officer)
    other = ResultDocument.objects.get(result=theirs)
    assert client.get(f"/indicators/documents/{other.pk}/").status_code == 404
    assert client.get(
        f"/indicators/compact/{peru_compact.pk}/results/{theirs.pk}/documents/"
    ).status_code == 404
    assert ResultDocument.objects.count() == 2


def test_the_api_lists_takes_and_serves_a_dialogues_documents(
        officer_api, auditor_api, staff_api, dialogue, peru_compact, private_storage):
    base = f"/api/v1/dialogues/{dialogue.pk}/attachments/"
    created = officer_api.post(base, {"kind": "minutes", "title": "Minutes",
                                      "file": SimpleUploadedFile("minutes.pdf", PDF)},
                               format="multipart")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["kind"], body["filename"], "file" in body) == ("minutes", "minutes.pdf", False)
    assert body["file_url"] == f"{base}{body['id']}/file/"
    listed = auditor_api.get(base).json()["results"]
    assert [a["id"] for a in listed] == [body["id"]]
    download = auditor_api.get(body["file_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    bad = officer_api.post(base, {"kind": "agenda", "file": SimpleUploadedFile(
        "x.pdf", b"<svg onload=alert(1)>")}, format="multipart")
    assert bad.status_code == 400 and "file" in bad.json()
    assert auditor_api.post(base, {"kind": "agenda", "file": SimpleUploadedFile(
        "a.pdf", PDF)}, format="multipart").status_code == 403
    theirs = DialogueFactory(compact=peru_compact)
    their_doc = staff_api.post(f"/api/v1/dialogues/{theirs.pk}/attachments/", {
        "kind": "agenda", "file": SimpleUploadedFile("a.pdf", PDF)}, format="multipart")
    assert their_doc.status_code == 201
    assert officer_api.get(their_doc.json()["file_url"]).status_code == 404
    # Another dialogue's id in the path does not reach the document either.
    wrong = f"/api/v1/dialogues/{dialogue.pk}/attachments/{their_doc.json()['id']}/file/"
    assert staff_api.get(wrong).status_code == 404
    assert DialogueAttachment.objects.count() == 2


# The preparation pack ------------------------------------------------------------------------


def test_pack_shows_two_years_of_targets_and_approved_actuals(client, auditor_user,
                                                              ghana_compact):
    key = IndicatorFactory(compact=ghana_compact, code="PROT-1")
    TargetFactory(indicator=key, fiscal_year=2024, value=Decimal("111"))
    TargetFactory(indicator=key, fiscal_year=2025, value=Decimal("222"))
    ResultFactory(indicator=key, fiscal_year=2024, value=Decimal("99"), status="approved")
    ResultFactory(indicator=key, fiscal_year=2025, value=Decimal("77"), status="submitted")
    dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2025)
    dialogue.key_indicators.set([key])
    client.force_login(auditor_user)
    response = client.get(f"/dialogues/{dialogue.pk}/preparation/")
    (row,) = response.context["key_rows"]
    assert [(y.fiscal_year, y.target, y.actual) for y in row["years"]] == [
        (2024, Decimal("111"), Decimal("99")), (2025, Decimal("222"), None)]
    table = response.content.decode()
    table = table[table.index('data-testid="pack-indicators"'):]
    assert "FY 2024 target" in table and "FY 2025 approved actual" in table
    assert "111" in table and "222" in table and "99" in table
    assert "77" not in table  # submitted, not approved


def test_the_admin_lists_documents_read_only_behind_the_checking_view(
        client, staff_user, dialogue, private_storage):
    attachment = DialogueAttachment.objects.create(
        dialogue=dialogue, kind="minutes", file=SimpleUploadedFile("minutes.pdf", PDF))
    result = ResultFactory(indicator=IndicatorFactory(compact=dialogue.compact),
                           fiscal_year=2024)
    document = ResultDocument.objects.create(result=result,
                                             file=SimpleUploadedFile("source.pdf", PDF))
    client.force_login(staff_user)
    for page, stored in ((f"/admin/dialogues/dialogue/{dialogue.pk}/change/", attachment),
                         (f"/admin/indicators/result/{result.pk}/change/", document)):
        content = client.get(page).content.decode()
        assert f'href="/files/{stored.file.name}"' in content
        assert "attachments-0-file" not in content and "documents-0-file" not in content


def test_steps_use_the_same_queries_for_5_and_50_rows(client, staff_user, ghana_compact,
                                                      peru_compact, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.dialogues.factories import DiscussionFactory

    def build(compact, n):
        dialogue = DialogueFactory(compact=compact, fiscal_year=2025,
                                   scheduled_for=dt.date(2025, 3, 10))
        indicators = [IndicatorFactory(compact=compact) for _ in range(n)]
        dialogue.key_indicators.set(indicators)
        for index, indicator in enumerate(indicators):
            ParticipantFactory(dialogue=dialogue)
            ActionItemFactory(dialogue=dialogue, description=f"Item {index}")
            DiscussionFactory(dialogue=dialogue, indicator=indicator)
        return dialogue

    small, large = build(ghana_compact, 5), build(peru_compact, 50)
    client.force_login(staff_user)
    for step in ("prepare", "hold", "outcomes", "close"):
        client.get(url(small, step))
        with CaptureQueriesContext(connection) as few:
            assert client.get(url(small, step)).status_code == 200
        with django_assert_num_queries(len(few.captured_queries)):
            assert client.get(url(large, step)).status_code == 200


@pytest.mark.parametrize("step", ["prepare", "hold", "outcomes", "close"])
def test_a_bare_or_garbled_post_is_a_400_that_saves_nothing(client, ghana_officer, dialogue,
                                                            step):
    client.force_login(ghana_officer)
    before = (dialogue.participants.count(), dialogue.action_items.count())
    bare = client.post(url(dialogue, step), {"version": "x" if step == "close" else ""})
    # The close step refuses the made-up version; the others miss their fields or rows.
    assert bare.status_code == (409 if step == "close" else 400)
    garbled = client.post(url(dialogue, step), {
        "add": "participants", "participants-TOTAL_FORMS": "many",
        "items-TOTAL_FORMS": "-3", "discussions-TOTAL_FORMS": "99999999"})
    assert garbled.status_code == 400
    dialogue.refresh_from_db()
    assert dialogue.status == "planned"
    assert (dialogue.participants.count(), dialogue.action_items.count()) == before


def test_the_api_lists_takes_and_serves_a_results_source_documents(
        officer_api, auditor_api, staff_api, ghana_compact, peru_compact, private_storage):
    result = ResultFactory(indicator=IndicatorFactory(compact=ghana_compact), fiscal_year=2024)
    base = f"/api/v1/results/{result.pk}/documents/"
    created = officer_api.post(base, {"title": "Case register",
                                      "file": SimpleUploadedFile("register.pdf", PDF)},
                               format="multipart")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["result"], body["filename"]) == (result.pk, "register.pdf")
    assert body["file_url"] == f"{base}{body['id']}/file/"
    assert [d["id"] for d in auditor_api.get(base).json()["results"]] == [body["id"]]
    download = auditor_api.get(body["file_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert auditor_api.post(base, {"file": SimpleUploadedFile("a.pdf", PDF)},
                            format="multipart").status_code == 403
    theirs = ResultFactory(indicator=IndicatorFactory(compact=peru_compact), fiscal_year=2024)
    their_base = f"/api/v1/results/{theirs.pk}/documents/"
    their_doc = staff_api.post(their_base, {"file": SimpleUploadedFile("p.pdf", PDF)},
                               format="multipart").json()
    assert officer_api.get(their_doc["file_url"]).status_code == 404
    assert officer_api.post(their_base, {"file": SimpleUploadedFile("a.pdf", PDF)},
                            format="multipart").status_code == 404
    assert ResultDocument.objects.count() == 2


def test_contributions_reported_at_the_dialogue_are_rows_of_the_outcomes_step(
        client, ghana_officer, dialogue):
    """Rows kept by the contributions app (registered through dialogues.record_sections):
    saved through its service, recorded at the dialogue; a bad row is refused beside it and
    nothing of the step is written."""
    from contributions.models import Contribution

    client.force_login(ghana_officer)
    content = client.get(url(dialogue, "outcomes")).content.decode()
    assert 'data-testid="contributions-rows"' in content
    data = form_fields(content, testid="step-form")
    row = {"contributions-0-kind": "in_kind", "contributions-0-description": "Shelter staff",
           "contributions-0-amount_local": "12000", "contributions-0-currency": "GHS",
           "contributions-0-amount_usd": "1000", "contributions-0-fiscal_year": "2025"}
    bad = data | row | {"contributions-0-currency": "ghana", "summary": "Agreed."}
    response = client.post(url(dialogue, "outcomes"), bad)
    assert response.status_code == 400
    assert "contributions-0-currency" in response.content.decode()
    assert not Contribution.objects.exists()
    dialogue.refresh_from_db()
    assert dialogue.summary == ""  # the step's other fields were not saved either

    response = client.post(url(dialogue, "outcomes"), data | row)
    assert response.status_code == 302, response.content.decode()[:3000]
    contribution = Contribution.objects.get()
    assert contribution.recorded_at_dialogue == dialogue
    assert contribution.compact == dialogue.compact and contribution.recorded_by == ghana_officer
    assert "FY2025 in kind: Shelter staff ($1,000)" in client.get(
        url(dialogue, "outcomes")).content.decode()


CONTRIBUTION_ROW = {"contributions-0-kind": "in_kind",
                    "contributions-0-description": "Shelter staff",
                    "contributions-0-amount_local": "12000", "contributions-0-currency": "GHS",
                    "contributions-0-amount_usd": "1000", "contributions-0-fiscal_year": "2025"}


def test_a_contribution_logged_at_the_dialogue_is_on_its_record_page(
        client, ghana_officer, auditor_user, dialogue):
    """Logged in the outcomes step, a contribution is part of the dialogue's record: its
    record page (and the record to print) lists it, as it lists the step's own rows."""
    client.force_login(ghana_officer)
    record = f"/dialogues/{dialogue.pk}/"
    before = client.get(record).content.decode()
    assert 'data-testid="record-contributions-none"' in before
    data = form_fields(client.get(url(dialogue, "outcomes")).content.decode(),
                       testid="step-form")
    response = client.post(url(dialogue, "outcomes"), data | CONTRIBUTION_ROW)
    assert response.status_code == 302, response.content.decode()[:2000]
    line = "FY2025 in kind: Shelter staff ($1,000)"
    for reader in (ghana_officer, auditor_user):
        client.force_login(reader)
        for page in (record, f"{record}printable/"):
            content = client.get(page).content.decode()
            listed = re.search(r'data-testid="record-contributions">(.*?)</ul>', content, re.S)
            assert listed and line in listed.group(1), page


def _row_fields(content: str) -> dict[str, dict]:
    """Each field of the first contribution row: whether its label marks it required and
    whether it shows an error."""
    fields = {}
    for name, label in re.findall(
            r'<label class="usa-label[^"]*" for="id_contributions-0-(\w+)">(.*?)</label>',
            content, re.S):
        fields[name] = {"marked": 'data-testid="required-mark"' in label,
                        "error": f'id="id_contributions-0-{name}_error"' in content}
    return fields


def test_the_contribution_row_requires_what_it_marks_required_and_marks_what_it_requires(
        client, ghana_officer, dialogue):
    client.force_login(ghana_officer)
    content = client.get(url(dialogue, "outcomes")).content.decode()
    fields = _row_fields(content)
    marked = {name for name, field in fields.items() if field["marked"]}
    assert marked == {"fiscal_year", "kind", "description", "amount_local", "currency",
                      "amount_usd"}
    # The head count: needed for a personnel contribution alone, and the hint says so.
    assert "For a personnel contribution: how many people." in content
    assert 'id="id_contributions-0-personnel_count_helptext"' in content

    # A row begun with its description only: every field it then asks for is one it marked.
    data = form_fields(content, testid="step-form")
    begun = {"contributions-0-description": "Shelter staff"}
    response = client.post(url(dialogue, "outcomes"), data | begun)
    assert response.status_code == 400
    fields = _row_fields(response.content.decode())
    errors = {name for name, field in fields.items() if field["error"]}
    assert errors == {"kind", "amount_local", "currency", "amount_usd"}
    assert errors <= {name for name, field in fields.items() if field["marked"]}
    # Filled in full, it saves: nothing unmarked was required.
    response = client.post(url(dialogue, "outcomes"), data | CONTRIBUTION_ROW)
    assert response.status_code == 302, response.content.decode()[:2000]
