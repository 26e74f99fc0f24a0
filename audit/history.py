"""The change history of a compact and everything under it, read from the history tables
(django-simple-history): who, when, which fields old → new, and why.

A compact's history merges the history rows of the compact and of its children (indicators,
targets, results, dialogues with their participants, discussions, action items, target
proposals and attachments, contributions, the sustainability plan with its measures and
follow-ups, extensions, objectives and awards) newest first. Children are found through the
history tables themselves, so a record deleted since still shows. One union query pages the
rows; each kind on the page then costs two queries (its rows and their previous versions),
so the work follows the rows shown, not the length of the history.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import CharField, QuerySet, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .display import Names, field_label

ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


@dataclass(frozen=True)
class Kind:
    """One kind of record in a compact's history: the model, its label, and how its
    history rows are found from the compact's id."""

    slug: str
    label: str
    model: str  # "app_label.ModelName"
    compact_field: str | None = None  # a field of the history row holding the compact's id
    parent: str | None = None  # or the slug of the kind whose record ids it hangs from
    parent_field: str | None = None  # the field of the row holding the parent's id

    @property
    def history_model(self):
        return apps.get_model(self.model).history.model


KINDS = [
    Kind("compact", _("Compact"), "compacts.Compact", compact_field="id"),
    Kind("extension", _("Extension"), "compacts.Extension", compact_field="compact_id"),
    Kind("objective", _("Objective"), "compacts.Objective", compact_field="compact_id"),
    Kind("award", _("Award"), "compacts.Award", compact_field="compact_id"),
    Kind("selection-factor", _("Selection factor"), "compacts.SelectionFactor",
         compact_field="compact_id"),
    Kind("evaluation", _("Evaluation"), "indicators.Evaluation", compact_field="compact_id"),
    Kind("indicator", _("Indicator"), "indicators.Indicator", compact_field="compact_id"),
    Kind("target", _("Target"), "indicators.Target", parent="indicator",
         parent_field="indicator_id"),
    Kind("result", _("Result"), "indicators.Result", parent="indicator",
         parent_field="indicator_id"),
    Kind("dialogue", _("Dialogue"), "dialogues.Dialogue", compact_field="compact_id"),
    Kind("participant", _("Participant"), "dialogues.Participant", parent="dialogue",
         parent_field="dialogue_id"),
    Kind("discussion", _("Discussion"), "dialogues.Discussion", parent="dialogue",
         parent_field="dialogue_id"),
    Kind("action-item", _("Action item"), "dialogues.ActionItem", parent="dialogue",
         parent_field="dialogue_id"),
    Kind("target-proposal", _("Target proposal"), "dialogues.TargetProposal", parent="dialogue",
         parent_field="dialogue_id"),
    Kind("attachment", _("Dialogue attachment"), "dialogues.DialogueAttachment",
         parent="dialogue", parent_field="dialogue_id"),
    Kind("contribution", _("Contribution"), "contributions.Contribution",
         compact_field="compact_id"),
    Kind("plan", _("Sustainability plan"), "contributions.SustainabilityPlan",
         compact_field="compact_id"),
    Kind("measure", _("Plan measure"), "contributions.Measure", parent="plan",
         parent_field="plan_id"),
    Kind("follow-up", _("Plan follow-up"), "contributions.FollowUp", parent="plan",
         parent_field="plan_id"),
]
KINDS_BY_SLUG = {kind.slug: kind for kind in KINDS}
# The records a history page can be opened for on its own (each links to it).
RECORD_KINDS = ("compact", "indicator", "target", "result", "dialogue", "contribution", "plan")


@dataclass(frozen=True)
class Filters:
    since: dt.date | None = None
    until: dt.date | None = None
    user_id: int | None = None


@dataclass
class Entry:
    kind: Kind
    record_id: int
    history_id: int
    date: dt.datetime
    action: str
    user: str | None
    reason: str | None
    record: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    url: str = ""  # the history page of the record (or of the record it belongs to)


def _rows_of(kind: Kind, compact_id: int) -> QuerySet:
    """The history rows of ``kind`` under the compact (a subquery for children)."""
    rows = kind.history_model.objects.all()
    if kind.compact_field:
        return rows.filter(**{kind.compact_field: compact_id})
    parent_ids = _rows_of(KINDS_BY_SLUG[kind.parent], compact_id).values("id")
    return rows.filter(**{f"{kind.parent_field}__in": parent_ids})


def _filtered(rows: QuerySet, filters: Filters) -> QuerySet:
    tz = timezone.get_current_timezone()
    if filters.since:
        rows = rows.filter(history_date__gte=dt.datetime.combine(filters.since, dt.time.min,
                                                                 tzinfo=tz))
    if filters.until:
        rows = rows.filter(history_date__lt=dt.datetime.combine(
            filters.until + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    if filters.user_id:
        rows = rows.filter(history_user_id=filters.user_id)
    return rows


def history_rows(*, compact_id: int, filters: Filters, kinds=None,
                 record_id: int | None = None) -> QuerySet:
    """One union query of (kind, record id, history id, date) rows, newest first: the
    compact's and its children's, or with ``kinds`` = [one kind] and ``record_id`` one
    record's (its children too when the record is the compact)."""
    parts = []
    for kind in kinds or KINDS:
        rows = _rows_of(kind, compact_id)
        if record_id is not None:
            rows = rows.filter(id=record_id)
        parts.append(_filtered(rows, filters)
                     .annotate(kind_slug=Value(kind.slug, output_field=CharField()))
                     .values_list("kind_slug", "id", "history_id", "history_date")
                     .order_by())  # a part of a union carries no ordering of its own
    first, *rest = parts
    union = first.union(*rest, all=True) if rest else first
    return union.order_by("-history_date", "-history_id")


def entries_for(page_rows) -> list[Entry]:
    """The page's rows with who, why and what changed. Per kind: one query for its rows
    (with their users), one for the previous versions of those records."""
    by_kind: dict[str, list[int]] = {}
    for slug, _record_id, history_id, _date in page_rows:
        by_kind.setdefault(slug, []).append(history_id)
    loaded: dict[tuple[str, int], object] = {}
    previous: dict[tuple[str, int], object] = {}
    for slug, history_ids in by_kind.items():
        _load_kind(slug, history_ids, loaded, previous)
    users = _usernames({row.history_user_id for row in loaded.values()
                        if row.history_user_id})
    names = Names()
    entries, raw_changes = [], []
    for slug, record_id, history_id, date in page_rows:
        row = loaded.get((slug, history_id))
        if row is None:
            continue
        kind = KINDS_BY_SLUG[slug]
        entries.append(Entry(kind=kind, record_id=record_id, history_id=history_id, date=date,
                             action=ACTIONS.get(row.history_type, row.history_type),
                             user=users.get(row.history_user_id),
                             reason=_reason(row.history_change_reason),
                             record="", url=_url(kind, row)))
        raw_changes.append(_wanted(row, previous.get((slug, history_id)), names))
    names.read()
    for entry, (row, owners, changed) in zip(entries, raw_changes, strict=True):
        owned = {column.name: names.names.get(column.related_model, {}).get(
            getattr(row, column.attname), "") for column in owners}
        entry.record = _describe(entry.kind, row, of=owned.get("indicator", ""),
                                 compact=owned.get("compact", ""))
        entry.changes = [(field_label(column), names.show(column, old), names.show(column, new))
                         for column, old, new in changed]
    return entries


def _load_kind(slug: str, history_ids: list[int], loaded: dict, previous: dict) -> None:
    """The history rows of one kind on the page, and the version before each of them."""
    model = KINDS_BY_SLUG[slug].history_model
    rows = list(model.objects.filter(history_id__in=history_ids))
    for row in rows:
        loaded[(slug, row.history_id)] = row
    record_ids = {row.id for row in rows}
    newest = max(history_ids)
    # Every earlier version of those records, to find each row's previous one.
    versions: dict[int, list] = {}
    for version in (model.objects.filter(id__in=record_ids, history_id__lte=newest)
                    .order_by("id", "history_date", "history_id")):
        versions.setdefault(version.id, []).append(version)
    for row in rows:
        chain = versions.get(row.id, [])
        earlier = [v for v in chain if (v.history_date, v.history_id)
                   < (row.history_date, row.history_id)]
        if earlier:
            previous[(slug, row.history_id)] = earlier[-1]


def _wanted(row, before, names: Names) -> tuple:
    """The row's changed fields against the version ``before`` it, and the records it
    belongs to (indicator, compact), each value asked of ``names`` to be read at once."""
    changed = (_changes(row, before) if before is not None and row.history_type == "~"
               else [])
    for column, old, new in changed:
        names.want(column, old)
        names.want(column, new)
    owners = [column for column in (_field(row.instance_type, "indicator"),
                                     _field(row.instance_type, "compact"))
              if column is not None and column.is_relation]
    for column in owners:
        names.want(column, getattr(row, column.attname))
    return row, owners, changed


def _reason(reason: str | None) -> str | None:
    """A reason the program writes itself (a task's, the demo loader's) is in the catalogues:
    shown in the reader's language; a person's own words as written."""
    return gettext(reason) if reason else reason


def _url(kind: Kind, row) -> str:
    """The history page of the record, or of the record it belongs to (a dialogue's
    participant: the dialogue's)."""
    if kind.slug in RECORD_KINDS:
        return reverse(f"audit:{kind.slug}-history", args=[row.id])
    if kind.compact_field:
        return reverse("audit:compact-history", args=[getattr(row, kind.compact_field)])
    return reverse(f"audit:{kind.parent}-history", args=[getattr(row, kind.parent_field)])


def _usernames(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {pk: (f"{first} {last}".strip() or username) for pk, username, first, last in
            get_user_model().objects.filter(pk__in=ids)
            .values_list("pk", "username", "first_name", "last_name")}


DESCRIBING_FIELDS = ("code", "name", "title", "kind", "fiscal_year", "description")


def _describe(kind: Kind, row, *, of: str = "", compact: str = "") -> str:
    """A short name for the record from its own columns: choices by their label, the fiscal
    year as the reader's language writes it, with ``of`` (the indicator of a target or a
    result) first; else the compact it belongs to (a sustainability plan). Its number only
    when nothing else names it."""
    model = row.instance_type
    parts = [of.split(" ", 1)[0]] if of else []
    for name in DESCRIBING_FIELDS:
        value = getattr(row, name, None)
        if value in (None, ""):
            continue
        if name == "fiscal_year":
            parts.append(gettext("FY%(fiscal_year)s") % {"fiscal_year": value})
        else:
            choices = dict(_field(model, name).flatchoices if _field(model, name) else ())
            parts.append(str(choices.get(value, value)))
    text = " ".join(parts[:2]) or compact
    return (f"{kind.label}: {text}" if text else f"{kind.label} #{row.id}")[:120]


def _field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _changes(row, before) -> list[tuple]:
    """(field, old value, new value) for each column that differs between two versions; the
    timestamps a save sets by itself are left out, and so are many-to-many fields (their
    history is kept in tables of their own)."""
    model = row.instance_type
    changes = []
    for column in model._meta.concrete_fields:
        if column.primary_key or getattr(column, "auto_now", False) or getattr(
                column, "auto_now_add", False):
            continue
        old, new = getattr(before, column.attname, None), getattr(row, column.attname, None)
        if old != new:
            changes.append((column, old, new))
    return changes


def recent_entries(*, limit: int) -> list[Entry]:
    """The latest ``limit`` changes across every kind of record, program-wide (for readers
    who see every country). Each kind's newest rows come from its own history table, which
    is indexed by date, then merged: one query per kind, whatever the length of history."""
    newest = []
    for kind in KINDS:
        newest += [(kind.slug, record_id, history_id, date) for record_id, history_id, date in
                   kind.history_model.objects.order_by("-history_date", "-history_id")
                   .values_list("id", "history_id", "history_date")[:limit]]
    newest.sort(key=lambda row: (row[3], row[2]), reverse=True)
    return entries_for(newest[:limit])
