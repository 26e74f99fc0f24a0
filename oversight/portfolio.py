"""A generated portfolio of compacts for benchmarks and tests (``generate_portfolio``).

It spans every app, so it lives here, above them all. Everything that carries a rule the six
checks read goes through the services, as a user's action would: countries, compacts,
extensions, awards and their finances, indicators, dialogues (planned, key indicators
identified and shared, held, discussed, closed), target proposals accepted by TIP staff,
contributions with their evidence and verification, sustainability plans requested, received
and followed up. Only leaf rows no other rule depends on are bulk-created, for speed: results
(approved and stamped as ``result_record`` stamps a staff result) with their disaggregations,
and the targets of the indicators that are not key, each passing ``full_clean()`` but for what
the database enforces on insert (keys, uniqueness, checks), with their history rows.

Records are named after the seed (``Generated compact S-K``), so running the generator twice
with the same seed adds nothing. Each compact is generated in a transaction of its own: an
interrupted run leaves whole compacts only, and the next run completes the rest.
"""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_countries import countries as country_registry
from simple_history.utils import bulk_create_with_history

from compacts import demo as compact_demo
from compacts import finance_samples
from compacts import services as compact_services
from compacts.models import Compact, PartnerCountry, Region
from contributions import services as contribution_services
from contributions.demo import sample_pdf
from cpc.access.roles import TIP_STAFF
from cpc.fiscal import add_years, fiscal_year_bounds, fiscal_year_of
from cpc.models import recorded_as_of, recorded_now
from cpc.samples import loading_samples
from dialogues import proposals
from dialogues import services as dialogue_services
from dialogues.models import DialogueStatus, TargetSetting
from indicators import demo as indicator_demo
from indicators import services as indicator_services
from indicators.models import (
    Disaggregation,
    Indicator,
    Result,
    ResultStatus,
    StandardIndicator,
    Target,
    Unit,
)

from . import portfolio_record

STAFF_USERNAME = "portfolio.staff"
SUPERVISOR_USERNAME = "portfolio.supervisor"  # verifies what the staff user entered
TITLE = "Generated compact {seed}-{number:04d}"
SAMPLE = "(Generated sample record for benchmarks and tests.)"
INDICATORS_PER_COMPACT = 15
KEY_COUNT = 4
TERM_YEARS = 5
# Codes of the demo's real partner countries are never used by a generated compact.
DEMO_CODES = {iso for iso, _region, _tier in compact_demo.COUNTRIES}
CUSTOM_UNITS = [Unit.COUNT, Unit.COUNT, Unit.PERCENT, Unit.USD, Unit.YES_NO]
PILLARS = ["prosecution", "protection", "prevention", "partnership"]
PERCENT_PLACES = Decimal("0.0001")


def generated_codes() -> list[str]:
    """The ISO codes a generated compact may use: every code but the demo's, in order."""
    return [code for code, _name in country_registry if code not in DEMO_CODES]


def staff_user(username: str = STAFF_USERNAME):
    """A TIP staff user the generator acts as (no usable password: nobody signs in as it)."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, email=f"{username}@example.org")
        user.set_unusable_password()
        user.save()
        compact_services.user_assign_role(user=user, role=TIP_STAFF)
    return user


def generate(*, compacts: int, seed: int, today: dt.date | None = None,
             progress=None) -> dict[str, int]:
    """Generate compacts 1..``compacts`` of ``seed`` that do not exist yet."""
    today = today or timezone.localdate()
    staff = staff_user()
    codes = generated_codes()
    library = {s.code: s for s in StandardIndicator.objects.all()}
    created = {"compacts": 0}
    existing = set(Compact.objects.filter(title__startswith=f"Generated compact {seed}-")
                   .values_list("title", flat=True))
    for number in range(1, compacts + 1):
        title = TITLE.format(seed=seed, number=number)
        if title in existing:
            continue
        rng = random.Random(f"{seed}-{number}")
        code = codes[(seed * 37 + number - 1) % len(codes)]
        # Past the number of codes, a country's next compact comes before the previous one.
        period = (number - 1) // len(codes)
        with transaction.atomic(), loading_samples():  # invented figures: samples
            _Compact(rng=rng, staff=staff, library=library, today=today, title=title,
                     code=code, period=period).build()
        created["compacts"] += 1
        if progress and created["compacts"] % 25 == 0:
            progress(created["compacts"])
    return created


class _Compact:
    def __init__(self, *, rng, staff, library, today, title, code, period):
        self.rng, self.staff, self.library, self.today = rng, staff, library, today
        self.title, self.code, self.period = title, code, period

    # --- the compact ----------------------------------------------------------------------

    def build(self):
        self.country = self._country()
        self.compact = self._compact()
        self.years = [y for y in self.compact.fiscal_years() if y <= fiscal_year_of(self.today)]
        self.indicators = self._indicators()
        self.keys = self.indicators[:KEY_COUNT]
        self.dialogues = {}
        current = fiscal_year_of(self.today)
        for step, year in enumerate(self.years):
            # Each year is written as it was at the time, while it was open (its steps
            # dated more precisely within): a past year is locked by now.
            with recorded_as_of(_at(self._written_on(year))):
                dialogue = self._dialogue(year, step)
                if dialogue is not None:
                    self.dialogues[year] = dialogue
                self._other_targets(year, step, dialogue)
                if year < current:
                    self._results(year, step)
        self._contributions()
        self._plan()
        portfolio_record.generate_record(self)
        finance_samples.fill(self.compact.awards.order_by("pk"), user=self.staff, today=self.today)

    def _written_on(self, year: int) -> dt.date:
        """A day the year's figures were entered: a month after it ended, or today."""
        return min(fiscal_year_bounds(year)[1] + dt.timedelta(days=30), self.today)

    def _country(self) -> PartnerCountry:
        country = PartnerCountry.objects.filter(iso_code=self.code).first()
        if country is None:
            country = compact_services.country_create(
                user=self.staff,
                iso_code=self.code, region=self.rng.choice(Region.values),
                notes=f"Generated partner country. {SAMPLE}")
        return country

    def _compact(self) -> Compact:
        rng, today = self.rng, self.today
        # Started 1 to 4.5 years ago, so a compact of the first period is active now and
        # has up to six fiscal years; earlier periods end before the next one starts.
        start = today - dt.timedelta(days=rng.randint(400, 1640) + self.period * 6 * 366)
        end = add_years(start, TERM_YEARS)
        extended = rng.random() < 0.25
        closed = (end if not extended else add_years(end, 1)) < today
        compact = compact_services.compact_create(
            user=self.staff,
            country=self.country, title=self.title,
            status="closed" if closed else "active",
            signed_on=start, start_date=start, end_date=end,
            us_funding_usd=Decimal(rng.randrange(4_000_000, 12_000_000, 100_000)),
            partner_contribution_planned_usd=(
                Decimal(rng.randrange(200_000, 3_000_000, 50_000)) if rng.random() < 0.5
                else None),
            objectives=[{"pillar": pillar, "description": f"Generated objective for "
                                                          f"{pillar}. {SAMPLE}"}
                        for pillar in PILLARS[:3]],
        )
        if extended:
            compact_services.extension_create(
                user=self.staff, compact=compact, signed_on=end - dt.timedelta(days=60),
                new_end_date=add_years(end, 1), reason=f"Generated one-year extension. {SAMPLE}")
        for index, pillar in enumerate(PILLARS[:2]):
            implementer = compact_services.implementer_get_or_create(
                name=f"Generated implementer {rng.randint(1, 40)}", kind="civil_society",
                ngo_type="24")  # based in the partner country
            compact_services.award_create(
                user=self.staff, compact=compact, implementer=implementer,
                mechanism="cooperative_agreement",
                award_number=f"GEN-{self.title.split()[-1]}-{index + 1}",
                amount_usd=Decimal(rng.randrange(1_000_000, 3_000_000, 100_000)),
                start_date=start + dt.timedelta(days=90), end_date=end, pillars=[pillar])
        # With its current end read once: the rules ask for it at every record.
        return Compact.objects.with_current_end().select_related("country").get(pk=compact.pk)

    def _indicators(self) -> list[Indicator]:
        indicators = []
        first_year = self.compact.fiscal_years()[0]
        standards = [self.library[c] for c in indicator_demo.PICK_ORDER if c in self.library]
        for standard in standards:
            indicators.append(indicator_services.indicator_create(
                user=self.staff, compact=self.compact, standard=standard,
                baseline_year=first_year - 1,
                baseline_value=Decimal("0") if standard.unit in ("yes_no", "percent")
                else indicator_demo.target_value(standard, 0) * Decimal("0.5"),
                is_key=len(indicators) < KEY_COUNT))
        for n in range(INDICATORS_PER_COMPACT - len(indicators)):
            unit = CUSTOM_UNITS[n % len(CUSTOM_UNITS)]
            indicators.append(indicator_services.indicator_create(
                user=self.staff, compact=self.compact, code=f"GEN-{n + 1}", unit=unit,
                pillar=PILLARS[n % len(PILLARS)], name=f"Generated indicator {n + 1}",
                definition=f"A compact-specific indicator. {SAMPLE}",
                baseline_year=first_year - 1, baseline_value=Decimal("0")))
        for indicator in indicators:
            indicator.compact = self.compact
        return indicators

    # --- one fiscal year ------------------------------------------------------------------

    def _meeting_day(self, year: int) -> dt.date | None:
        """Early in the fiscal year; within the compact's term."""
        first, last = fiscal_year_bounds(year)
        day = first + dt.timedelta(days=self.rng.randint(20, 75))
        if year == fiscal_year_of(self.today) and self.rng.random() < 0.35:
            # Still ahead, and held before the fiscal year ends (in its last days when the
            # year ends within the draw), so a portfolio has dialogues ahead on every day.
            day = min(self.today + dt.timedelta(days=self.rng.randint(3, 45)), last)
        if not (self.compact.start_date <= day <= self.compact.current_end_date):
            day = self.compact.start_date + dt.timedelta(days=45)
        if not (first <= day <= last and day <= self.compact.current_end_date):
            return None
        return day

    def _dialogue(self, year: int, step: int):
        meeting = self._meeting_day(year)
        if meeting is None:
            return None
        ahead = meeting >= self.today
        # Each step is recorded on the day it happened, as the demo does.
        with recorded_as_of(_at(self.today if ahead else meeting - dt.timedelta(days=42))):
            dialogue = dialogue_services.dialogue_create(
                user=self.staff, compact=self.compact, fiscal_year=year, scheduled_for=meeting,
                format="hybrid", key_indicators=[] if ahead else self.keys)
        if ahead:
            return dialogue
        with recorded_as_of(_at(meeting - dt.timedelta(days=35))):
            dialogue = dialogue_services.dialogue_update(user=self.staff, dialogue=dialogue, data={
                "key_indicators_shared_on": meeting - dt.timedelta(days=35),
                "key_indicators_shared_via": "diplomatic_note"})
        for person, side in (("TIP Office program officer", "us_government"),
                             ("Anti-trafficking unit head", "partner_government")):
            dialogue_services.participant_add(
                user=self.staff, dialogue=dialogue, name=f"{person} (sample)",
                organization=self.country.name, side=side)
        dialogue = dialogue_services.dialogue_move(user=self.staff, dialogue=dialogue,
                                                   status=DialogueStatus.HELD, held_on=meeting)
        with recorded_as_of(_at(meeting)):
            for indicator in self.keys:
                dialogue_services.discussion_record(
                    dialogue=dialogue, indicator=indicator, user=self.staff,
                    notes=f"The latest approved figure of {indicator.code} was reviewed "
                          f"against the year's target. {SAMPLE}")
                proposals.target_propose(
                    user=self.staff, dialogue=dialogue, indicator=indicator,
                    value=indicator_demo.target_value(indicator, step))
        dialogue_services.action_item_add(
            user=self.staff, dialogue=dialogue, owner=f"Government of {self.country.name}",
            description=f"Share the FY {year} referral and case data. {SAMPLE}",
            due_on=meeting + dt.timedelta(days=90),
            status="done" if year < fiscal_year_of(self.today) - 1 else "open")
        with recorded_as_of(_at(meeting)):  # logged on the day of the dialogue
            dialogue = dialogue_services.dialogue_update(user=self.staff, dialogue=dialogue, data={
                "summary": f"Annual dialogue for FY {year}. {SAMPLE}",
                "contributions_discussed": True,
                "contributions_notes": f"The government's budget and staff were reviewed. "
                                       f"{SAMPLE}",
                "sustainability_discussed": True,
                "sustainability_notes": f"The plan to sustain the services was discussed. "
                                        f"{SAMPLE}",
            })
        if year < fiscal_year_of(self.today) - 1:
            dialogue = dialogue_services.dialogue_move(
                user=self.staff, dialogue=dialogue, status=DialogueStatus.CLOSED,
                reason=dialogue_services.REASON_LOADED_CLOSED)
        return dialogue

    def _other_targets(self, year: int, step: int, dialogue):
        """Targets of the indicators that are not key, agreed at the year's dialogue (or set
        by staff when the year has none held): bulk-created, each ``full_clean()``-ed."""
        agreed_at = dialogue if dialogue is not None and dialogue.held_on else None
        set_on = (agreed_at.held_on if agreed_at else
                  min(fiscal_year_bounds(year)[0] + dt.timedelta(days=30), self.today))
        targets = []
        for indicator in self.indicators[KEY_COUNT:]:
            target = Target(indicator=indicator, fiscal_year=year,
                            value=indicator_demo.target_value(indicator, step),
                            recorded_at=_at(set_on), is_sample=True)
            _clean_leaf(target)
            targets.append(target)
        targets = bulk_create_with_history(targets, Target, default_user=self.staff,
                                           default_change_reason="Target set by TIP staff.")
        if agreed_at is not None:
            settings = [TargetSetting(target=target, dialogue=agreed_at) for target in targets]
            for setting in settings:
                _clean_leaf(setting)
            bulk_create_with_history(settings, TargetSetting, default_user=self.staff)

    def _results(self, year: int, step: int):
        """The year's approved results, once it has ended; PROT-1's by sex and age."""
        now = recorded_now()
        results, parts = [], {}
        for position, indicator in enumerate(self.indicators):
            fields = indicator_demo.result_fields(indicator, step,
                                                  self.rng.randint(0, 4) + position)
            result = Result(indicator=indicator, fiscal_year=year, source=SAMPLE,
                            status=ResultStatus.APPROVED, reported_by=self.staff,
                            reported_at=now, reviewed_by=self.staff, reviewed_at=now,
                            recorded_at=now, is_sample=True)
            if indicator.unit == Unit.PERCENT:
                result.numerator, result.denominator = fields["numerator"], fields["denominator"]
                result.value = (result.numerator / result.denominator * 100).quantize(
                    PERCENT_PLACES)
            else:
                result.value = fields["value"]
            _clean_leaf(result)
            results.append(result)
            if fields.get("disaggregations"):
                assert sum(p["value"] for p in fields["disaggregations"]) == result.value
                parts[len(results) - 1] = fields["disaggregations"]
        results = bulk_create_with_history(results, Result, default_user=self.staff)
        disaggregations = []
        for index, items in parts.items():
            for item in items:
                disaggregation = Disaggregation(result=results[index], **item)
                _clean_leaf(disaggregation)
                disaggregations.append(disaggregation)
        if disaggregations:
            bulk_create_with_history(disaggregations, Disaggregation, default_user=self.staff)

    # --- contributions and the sustainability plan ----------------------------------------

    def _contributions(self):
        """One contribution for each of the last three years: with evidence and verified, but
        for the latest (awaiting verification) and, now and then, one without evidence."""
        years = self.years[-3:]
        for position, year in enumerate(years):
            latest = position == len(years) - 1
            with_evidence = not (self.rng.random() < 0.15)
            dialogue = self.dialogues.get(year)
            evidence = ContentFile(
                sample_pdf(f"Generated evidence, {self.compact.title}, FY {year}."),
                name=f"generated-evidence-fy{year}.pdf") if with_evidence else None
            usd = Decimal(self.rng.randrange(50_000, 900_000, 5_000))
            with recorded_as_of(_at(self._written_on(year))):
                contribution = contribution_services.contribution_create(
                    user=self.staff, compact=self.compact, fiscal_year=year, kind="funding",
                    description=f"Ministry budget line for child victims. {SAMPLE}",
                    amount_local=usd * 4,
                    currency="USD" if self.rng.random() < 0.3 else "EUR",
                    amount_usd=usd, evidence=evidence,
                    recorded_at_dialogue=dialogue if dialogue and dialogue.held_on else None)
                if with_evidence and not latest:
                    contribution_services.contribution_verify(
                        contribution=contribution, user=staff_user(SUPERVISOR_USERNAME))

    def _plan(self):
        """Requested before the first held dialogue; some received, some overdue."""
        plan = contribution_services.plan_create(
            user=self.staff, compact=self.compact, notes=f"Generated plan record. {SAMPLE}",
            measures=[{"description": f"Keep the budget line after the compact. {SAMPLE}",
                       "category": "budget_line",
                       "responsible_institution": f"Government of {self.country.name}"}])
        held = sorted(d.held_on for d in self.dialogues.values() if d.held_on)
        if not held:
            return
        requested = held[0] - dt.timedelta(days=30)
        roll = self.rng.random()
        due = (self.today - dt.timedelta(days=self.rng.randint(10, 200)) if roll < 0.3
               else self.compact.current_end_date)
        due = max(due, requested + dt.timedelta(days=30))
        with recorded_as_of(_at(requested)):
            plan = contribution_services.plan_request(user=self.staff, plan=plan, due_on=due)
        contribution_services.follow_up_create(
            plan=plan, user=self.staff, date=min(requested + dt.timedelta(days=60), self.today),
            note=f"Asked the partner government about progress. {SAMPLE}")
        if roll > 0.8:
            contribution_services.plan_receive(user=self.staff, plan=plan, received_on=min(
                requested + dt.timedelta(days=120), self.today))


def _at(day: dt.date) -> dt.datetime:
    """A moment of ``day`` to record a generated step at."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(11)))


def _clean_leaf(record) -> None:
    """``full_clean()`` but for what the database checks itself on insert: foreign keys
    (to rows this run created or read), uniqueness and check constraints."""
    foreign_keys = [f.name for f in record._meta.concrete_fields if f.is_relation]
    record.full_clean(exclude=foreign_keys, validate_unique=False, validate_constraints=False)
