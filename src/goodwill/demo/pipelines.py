"""A demo sales pipeline and a job search with a believable history, as plain rows.

Every stage but "accepted" holds something (the search is still on, an offer pending);
some opportunities skipped stages or stepped back; deals were won, lost and qualified
out with their reasons; cold deals went to organizations the user had given nothing
yet, the others to ones where they had; referrals and introductions opened doors (each
a received ledger entry); red flags, health ratings, interview rounds (each a meeting)
and offers. The same seed gives the same history, laid out relative to `now`.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from goodwill.demo.deal_plan import (
    DEAL_TITLES,
    JOB_STEPS,
    JOB_TITLES,
    JOBS,
    OFFER_DETAILS,
    RED_FLAGS,
    SALES_DEALS,
    SALES_STEPS,
    SALES_VALUES,
    STALLED_JOBS,
    STALLED_SALES,
)
from goodwill.demo.giving import task_row
from goodwill.domain.dates import local_date_of, local_midnight_utc, zone
from goodwill.domain.money import to_e4
from goodwill.domain.pipelines import DEFAULT_STAGES, PipelineKind, StageSpec
from goodwill.domain.text import fold

Row = dict[str, Any]


@dataclass
class PipelineRows:
    pipelines: list[Row] = field(default_factory=list)
    stages: list[Row] = field(default_factory=list)
    opportunities: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    red_flags: list[Row] = field(default_factory=list)
    rounds: list[Row] = field(default_factory=list)
    interactions: list[Row] = field(default_factory=list)
    participants: list[Row] = field(default_factory=list)
    ledger: list[Row] = field(default_factory=list)
    tasks: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class PipelineStartIds:
    """First free id per table the rows reference before insertion."""

    pipeline: int = 1
    stage: int = 1
    opportunity: int = 1
    interaction: int = 1
    ledger: int = 1
    task: int = 1


class _Builder:
    def __init__(
        self, rng: random.Random, now: datetime, base: Row, timezone: str, start: PipelineStartIds
    ) -> None:
        self.rng, self.now, self.base, self.tz = rng, now, base, zone(timezone)
        self.rows = PipelineRows()
        self.next = {
            "pipeline": start.pipeline,
            "stage": start.stage,
            "opportunity": start.opportunity,
            "interaction": start.interaction,
            "ledger": start.ledger,
            "task": start.task,
        }

    def take(self, kind: str) -> int:
        value = self.next[kind]
        self.next[kind] += 1
        return value

    def pipeline(self, name: str, kind: PipelineKind, **extra: Any) -> dict[str, int]:
        pid = self.take("pipeline")
        self.rows.pipelines.append(
            {
                **self.base, "id": pid, "name": name, "name_key": fold(name), "kind": kind.value,
                "target_salary_e4": None, "currency": "USD", "started_on": None, **extra,
            }
        )  # fmt: skip
        ids: dict[str, int] = {}
        for spec in DEFAULT_STAGES[kind]:
            ids[spec.name] = self.take("stage")
            self.rows.stages.append(_stage_row(ids[spec.name], pid, spec))
        return ids

    def ledger(self, kind: str, counterpart: int, related: int | None, when: datetime) -> int:
        lid = self.take("ledger")
        note = {"referral": "Referred me", "introduction": "Introduced me"}[kind]
        self.rows.ledger.append(
            {
                **self.base, "id": lid, "direction": "received", "kind": kind,
                "counterpart_id": counterpart,
                "related_contact_id": related if related != counterpart else None,
                "weight": self.rng.choice([2, 3]), "occurred_on": local_date_of(when, self.tz),
                "note": note, "ask_id": None, "import_id": None,
                "created_at": when, "updated_at": when,
            }
        )  # fmt: skip
        return lid

    def history(
        self, path: Sequence[str], closed: bool, span_days: int, stalled: bool = False
    ) -> list[datetime]:
        """When each stage of `path` was entered, oldest first, all in the past. A
        stalled opportunity has sat in its last stage for more than twice the longest
        stay any finished one can have (so more than twice any stage's median stay)."""
        longest = max(4, span_days // 6)
        stays = [self.rng.randint(3, longest) for _ in path]
        if stalled:
            after = self.rng.randint(2 * longest + 5, 2 * longest + 25)
        else:
            after = self.rng.randint(5, 40) if closed else self.rng.randint(1, 20)
        total = min(sum(stays[:-1]) + after, span_days)
        at = self.now - timedelta(days=total, hours=self.rng.randint(1, 20))
        times = [at]
        for stay in stays[:-1]:
            at = min(at + timedelta(days=stay, hours=self.rng.randint(0, 8)), self.now)
            times.append(at)
        return times


def _stage_row(stage_id: int, pipeline_id: int, spec: StageSpec) -> Row:
    return {
        "id": stage_id, "pipeline_id": pipeline_id, "name": spec.name, "name_key": spec.key,
        "position": spec.position, "probability": spec.probability,
        "outcome": None if spec.outcome is None else spec.outcome.value,
    }  # fmt: skip


def _free_name(name: str, taken: Collection[str]) -> str:
    candidate, n = name, 1
    while fold(candidate) in taken:
        n += 1
        candidate = f"{name} {n}"
    return candidate


def generate_pipelines(
    contacts: Sequence[Row],
    positions: Sequence[Row],
    organizations: Sequence[Row],
    seed: int,
    now: datetime,
    base: Row,
    timezone: str,
    start: PipelineStartIds,
    taken_names: Collection[str] = frozenset(),
    ledger: Sequence[Row] = (),
) -> PipelineRows:
    """A sales pipeline and a job search for a network of `contacts` (none: no rows).

    `ledger` is the network's. A cold sales deal goes to an organization whose people
    the user had given nothing before it opened, every other deal to one where they
    had: attribution then compares both groups, and giving first converts better.
    """
    if not contacts or not organizations:
        return PipelineRows()
    rng = random.Random(seed * 1_000_003 + 17)
    build = _Builder(rng, now, base, timezone, start)
    people_at: dict[int, list[int]] = {}
    for p in positions:
        if p["end_date"] is None:
            people_at.setdefault(p["organization_id"], []).append(p["contact_id"])
    staffed = [o["id"] for o in organizations if o["id"] in people_at] or [organizations[0]["id"]]
    contact_ids = [c["id"] for c in contacts]
    sales = build.pipeline(_free_name("Sales", taken_names), PipelineKind.SALES)
    search_start = local_date_of(now - timedelta(days=150), build.tz)
    salary = 160_000
    jobs = build.pipeline(
        _free_name("Job search", taken_names),
        PipelineKind.JOB_SEARCH,
        target_salary_e4=to_e4(Decimal(salary)),
        started_on=search_start,
    )
    first_give = _first_give_by_organization(ledger, positions)
    for n, (path, source, reason) in enumerate(SALES_DEALS):
        times = build.history(path, reason is not None, 300, n in STALLED_SALES)
        opened = local_date_of(times[0], build.tz)
        fits = [
            o for o in staffed if (o in first_give and first_give[o] < opened) == (source != "cold")
        ]
        org = rng.choice(fits or staffed)  # a tiny network may have no organization that fits
        contact = rng.choice(people_at.get(org, contact_ids))
        value = rng.choice(SALES_VALUES)
        opp = _opportunity(
            build, sales, path, times, source, reason, contact, org, contact_ids,
            title=f"{rng.choice(DEAL_TITLES)} #{n + 1}", value=value,
            currency="EUR" if n % 7 == 3 else "USD", steps=SALES_STEPS,
        )  # fmt: skip
        _partnership(build, opp, path[-1], n)
    for n, (path, source, reason) in enumerate(JOBS):
        times = build.history(path, reason is not None, 140, n in STALLED_JOBS)
        org = staffed[n % len(staffed)]
        contact = rng.choice(people_at.get(org, contact_ids))
        value = salary + rng.choice([-20_000, -10_000, 0, 5_000, 15_000])
        opp = _opportunity(
            build, jobs, path, times, source, reason, contact, org, contact_ids,
            title=rng.choice(JOB_TITLES), value=value, currency="USD", steps=JOB_STEPS,
        )  # fmt: skip
        _job_steps(build, opp, path, people_at.get(org, contact_ids), value)
    return build.rows


def _first_give_by_organization(ledger: Sequence[Row], positions: Sequence[Row]) -> dict[int, date]:
    """The day the user first gave to anyone who ever held a position there."""
    by_contact: dict[int, date] = {}
    for entry in ledger:
        if entry["direction"] == "gave":
            day, cid = entry["occurred_on"], entry["counterpart_id"]
            by_contact[cid] = min(day, by_contact.get(cid, day))
    by_org: dict[int, date] = {}
    for p in positions:
        day = by_contact.get(p["contact_id"])
        if day is not None:
            org = p["organization_id"]
            by_org[org] = min(day, by_org.get(org, day))
    return by_org


def _opportunity(
    build: _Builder,
    stages: dict[str, int],
    path: list[str],
    times: list[datetime],
    source: str,
    reason: str | None,
    contact: int,
    org: int,
    contact_ids: list[int],
    *,
    title: str,
    value: int,
    currency: str,
    steps: dict[str, str],
) -> Row:
    rng = build.rng
    closed = reason is not None
    oid = build.take("opportunity")
    pipeline_id = next(s["pipeline_id"] for s in build.rows.stages if s["id"] == stages[path[0]])
    referrer = None
    ledger_id = None
    if source in {"referral", "introduction"}:
        others = [c for c in contact_ids if c != contact] or contact_ids
        referrer = rng.choice(others)
        ledger_id = build.ledger(source, referrer, contact, times[0])
    opp: Row = {
        **build.base, "id": oid, "pipeline_id": pipeline_id, "stage_id": stages[path[-1]],
        "title": title, "contact_id": contact, "organization_id": org,
        "value_e4": to_e4(Decimal(value)), "currency": currency, "source": source,
        "source_contact_id": referrer, "source_ledger_id": ledger_id, "introduction_id": None,
        "next_task_id": None, "opened_at": times[0], "closed_at": times[-1] if closed else None,
        "close_reason": reason, "benefit_us": None, "benefit_them": None, "health": None,
        "referral_asked_on": None, "referral_received_on": None, "offer": None,
        "created_at": times[0], "updated_at": times[-1],
    }  # fmt: skip
    previous = None
    for name, at in zip(path, times, strict=True):
        note = reason if closed and name == path[-1] else None
        if previous is not None and note is None and path.index(name) < path.index(previous):
            note = "back: they reopened the question of scope"
        build.rows.events.append(
            {
                "opportunity_id": oid, "kind": "stage",
                "from_stage_id": None if previous is None else stages[previous],
                "to_stage_id": stages[name], "at": at, "note": note,
            }
        )  # fmt: skip
        previous = name
    if not closed and path[-1] in steps:
        tid = build.take("task")
        today = local_date_of(build.now, build.tz)
        due = local_midnight_utc(today + timedelta(days=rng.randint(1, 10)), build.tz)
        task = task_row(
            build.base, title=f"{steps[path[-1]]} — {title}", due_at=due, contact_id=contact
        )
        build.rows.tasks.append({**task, "id": tid})
        opp["next_task_id"] = tid
    build.rows.opportunities.append(opp)
    return opp


def _partnership(build: _Builder, opp: Row, final: str, n: int) -> None:
    if final == "won":
        opp["health"] = "good"
        opp["benefit_us"] = "A reference customer in their industry and a steady retainer"
        opp["benefit_them"] = "Onboarding time cut in half for their new hires"
    elif final == "qualified-out":
        opp["health"] = "poor"
        for flag, evidence in build.rng.sample(RED_FLAGS, k=2):
            _flag(build, opp, flag, evidence)
    elif final == "proposal" and n % 2 == 0:
        opp["health"] = "watch"
        _flag(build, opp, "asks for discounts before seeing the proposal", "Two emails about price")


def _flag(build: _Builder, opp: Row, flag: str, evidence: str) -> None:
    end = opp["closed_at"] or build.now
    at = opp["opened_at"] + (end - opp["opened_at"]) / 2
    build.rows.red_flags.append(
        {
            "opportunity_id": opp["id"], "flagged_on": local_date_of(at, build.tz),
            "flag": flag, "evidence": evidence, "created_at": at,
        }
    )  # fmt: skip


def _job_steps(build: _Builder, opp: Row, path: list[str], people: list[int], value: int) -> None:
    rng = build.rng
    if opp["source"] == "referral":
        received = opp["opened_at"] - timedelta(days=2)
        opp["referral_asked_on"] = local_date_of(received - timedelta(days=5), build.tz)
        opp["referral_received_on"] = local_date_of(received, build.tz)
    if "interviews" not in path:
        return
    events = [e for e in build.rows.events if e["opportunity_id"] == opp["id"]]
    index = path.index("interviews")
    start = [e["at"] for e in events][index]
    end = [e["at"] for e in events][index + 1] if index + 1 < len(events) else build.now
    count = rng.randint(1, 3)
    for number in range(1, count + 1):
        at = start + (end - start) * number / (count + 1)
        iid = build.take("interaction")
        met = rng.sample(people, k=min(len(people), rng.randint(1, 2)))
        label = ["phone screen", "technical", "onsite"][min(number, 3) - 1]
        build.rows.interactions.append(
            {
                **build.base, "id": iid, "occurred_at": at, "channel": "meeting",
                "summary": f"Interview round {number} ({label}): {opp['title']}",
                "initiator": "them", "recipients": len(met), "import_id": None,
                "created_at": at, "updated_at": at,
            }
        )  # fmt: skip
        build.rows.participants += [{"interaction_id": iid, "contact_id": c} for c in met]
        build.rows.rounds.append(
            {"opportunity_id": opp["id"], "interaction_id": iid, "round": number, "label": label}
        )
    if "offer" in path:
        opp["offer"] = {
            "salary": str(value + 5_000),
            "currency": "USD",
            "details": dict(OFFER_DETAILS),
        }
