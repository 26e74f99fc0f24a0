"""Find compacts, dialogues, indicators, action items and contributions by text, scoped like
every read. On PostgreSQL: full-text search (websearch syntax, English stemming, ranked);
on SQLite, the embedded default: every word must appear in one of the fields (icontains).
Each kind costs two queries (its count and its rows), whatever the size of the program."""

from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from compacts.models import Compact
from contributions.models import Contribution
from cpc.access.scoping import scope_to_visible
from dialogues.models import ActionItem, Dialogue
from indicators.models import Indicator

MIN_LENGTH = 2
CONFIG = "english"


@dataclass(frozen=True)
class SearchKind:
    slug: str
    label: str
    model: type
    fields: tuple[str, ...]
    country_path: str
    related: tuple[str, ...] = field(default=())
    order: tuple[str, ...] = ("-pk",)


KINDS = (
    SearchKind("compacts", _("Compacts"), Compact, ("title", "country__iso_code"), "country",
               ("country",)),
    SearchKind("indicators", _("Indicators"), Indicator, ("code", "name", "definition"),
               "compact__country", ("compact__country",)),
    SearchKind("dialogues", _("Dialogues"), Dialogue,
               ("compact__title", "summary", "contributions_notes", "sustainability_notes"),
               "compact__country", ("compact__country",), ("-scheduled_for", "-pk")),
    SearchKind("action-items", _("Action items"), ActionItem, ("description", "owner"),
               "dialogue__compact__country", ("dialogue__compact__country",),
               ("due_on", "pk")),
    SearchKind("contributions", _("Contributions"), Contribution, ("description",),
               "compact__country", ("compact__country",), ("-fiscal_year", "-pk")),
)
KINDS_BY_SLUG = {kind.slug: kind for kind in KINDS}


def usable(query: str) -> bool:
    return len((query or "").strip()) >= MIN_LENGTH


def matches(kind: SearchKind, *, user, query: str) -> QuerySet:
    """The records of ``kind`` the user may see that match ``query``, best first."""
    rows = scope_to_visible(kind.model.objects.select_related(*kind.related), user,
                            country_path=kind.country_path)
    query = query.strip()
    if connection.vendor == "postgresql":
        vector = SearchVector(*kind.fields, config=CONFIG)
        wanted = SearchQuery(query, search_type="websearch", config=CONFIG)
        return (rows.annotate(rank=SearchRank(vector, wanted)).filter(rank__gt=0)
                .order_by("-rank", *kind.order))
    words = query.split()
    return rows.filter(reduce(and_, (reduce(or_, (Q(**{f"{name}__icontains": word})
                                                  for name in kind.fields))
                                     for word in words))).order_by(*kind.order)
