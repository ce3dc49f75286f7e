"""Generate a plausible network as plain rows, ready for bulk insertion.

The same seed gives the same people, companies and history; dates are laid out
relative to `now`, so a demo is always "current".
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from faker import Faker

from goodwill.demo.giving import generate_giving, task_row
from goodwill.domain.dates import local_date_of, local_midnight_utc, zone
from goodwill.domain.people import DEFAULT_CADENCE_DAYS, Tier, contact_search_key
from goodwill.domain.text import fold

Row = dict[str, Any]

TAGS = [
    "investor",
    "founder",
    "recruiter",
    "engineer",
    "designer",
    "client",
    "mentor",
    "alumni",
    "conference",
    "neighbor",
    "former-colleague",
    "advisor",
]
HOW_MET = [
    "conference",
    "introduced by a friend",
    "former colleague",
    "university",
    "LinkedIn",
    "meetup",
    "client project",
    "podcast",
    "neighbor",
    "cold email",
]
TITLES = [
    "CEO",
    "CTO",
    "VP Sales",
    "Head of Product",
    "Engineering Manager",
    "Designer",
    "Recruiter",
    "Partner",
    "Consultant",
    "Data Scientist",
    "Account Executive",
    "COO",
]
CHANNEL_WEIGHTS = {"email": 30, "message": 25, "call": 15, "meeting": 12, "coffee": 10, "social": 8}
SUMMARIES = {
    "email": ["Sent the article on {topic}", "Followed up on {topic}", "Replied about {topic}"],
    "message": ["Quick check-in", "Congratulated them on {topic}", "Shared a link about {topic}"],
    "call": ["Caught up on {topic}", "Talked through {topic}", "Advice call about {topic}"],
    "meeting": ["Workshop on {topic}", "Planning session: {topic}", "Intro meeting on {topic}"],
    "coffee": ["Coffee, talked about {topic}", "Coffee catch-up: {topic}"],
    "social": ["Commented on their post about {topic}", "Shared their post on {topic}"],
}
TOPICS = [
    "hiring",
    "fundraising",
    "the new role",
    "pricing",
    "a product launch",
    "their move",
    "a conference talk",
    "the board meeting",
    "an open-source project",
    "the offsite",
]
TASKS = [
    "Send {name} the deck",
    "Follow up with {name}",
    "Congratulate {name}",
    "Introduce {name} to a designer",
    "Book coffee with {name}",
    "Thank {name} for the intro",
]
AREA_CODES = ["212", "310", "312", "415", "503", "617", "646", "720", "206", "512"]
TOUCHES_BY_TIER = {"A": (10, 30), "B": (4, 12), "C": (1, 5), None: (0, 3)}


@dataclass
class NetworkRows:
    organizations: list[Row] = field(default_factory=list)
    contacts: list[Row] = field(default_factory=list)
    emails: list[Row] = field(default_factory=list)
    phones: list[Row] = field(default_factory=list)
    positions: list[Row] = field(default_factory=list)
    tags: list[Row] = field(default_factory=list)
    contact_tags: list[Row] = field(default_factory=list)
    interactions: list[Row] = field(default_factory=list)
    participants: list[Row] = field(default_factory=list)
    notes: list[Row] = field(default_factory=list)
    tasks: list[Row] = field(default_factory=list)
    ledger: list[Row] = field(default_factory=list)
    asks: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class Owner:
    workspace_id: int
    user_id: int
    visibility: str
    timezone: str = "UTC"  # all-day tasks fall on the owner's local days
    # The workspace's default cadence per tier, which a demo contact's tier gives it.
    cadences: Mapping[Tier, int] = field(default_factory=lambda: dict(DEFAULT_CADENCE_DAYS))


@dataclass(frozen=True)
class StartIds:
    """First free id per table, so rows can reference each other before insertion."""

    organization: int = 1
    contact: int = 1
    interaction: int = 1
    tag: int = 1
    ask: int = 1


def generate_network(
    contacts: int,
    seed: int,
    now: datetime,
    owner: Owner,
    start: StartIds = StartIds(),
    interactions: int | None = None,
    with_tasks: bool = True,
    taken_emails: Collection[str] = frozenset(),
    taken_organizations: Collection[str] = frozenset(),
) -> NetworkRows:
    """`interactions=None` spreads a realistic number by tier; a number sets the total.

    `taken_emails` and `taken_organizations` (folded names) are already in the
    database: a demo added beside existing data avoids them, so an email still
    names one person and an organization name one organization.
    """
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rows = NetworkRows()
    base = {
        "workspace_id": owner.workspace_id,
        "owner_id": owner.user_id,
        "visibility": owner.visibility,
        "created_at": now,
        "updated_at": now,
        "deleted_at": None,
    }
    org_ids = _organizations(
        rows, fake, rng, max(1, contacts // 8), start.organization, base, taken_organizations
    )
    # The last quarter of the organizations are new to the user: people met, nothing
    # given yet (and nobody who once worked there), so cold deals have somewhere to go.
    fresh = len(org_ids) // 4 or (1 if len(org_ids) > 1 else 0)
    new_orgs = {oid for oid, _ in org_ids[len(org_ids) - fresh :]}
    newcomers: set[int] = set()
    for i, name in enumerate(TAGS):
        rows.tags.append(
            {
                "id": start.tag + i,
                "workspace_id": owner.workspace_id,
                "name": name,
                "key": fold(name),
            }
        )
    tiers: list[str | None] = []
    used_emails: set[str] = set(taken_emails)
    for n in range(contacts):
        cid = start.contact + n
        first, last = fake.first_name(), fake.last_name()
        tier = rng.choices(["A", "B", "C", None], weights=[10, 20, 30, 40])[0]
        tiers.append(tier)
        org_index = rng.randrange(len(org_ids))
        org_id, domain = org_ids[org_index]
        email = f"{fold(first).replace(' ', '')}.{fold(last).replace(' ', '')}@{domain}"
        suffix = 0
        while email in used_emails:
            # The contact id is new to the database, so this rarely needs a second try.
            suffix += 1
            marker = f"{cid}" if suffix == 1 else f"{cid}x{suffix}"
            email = f"{fold(first)[0]}{marker}.{fold(last)}@{domain}".replace(" ", "")
        used_emails.add(email)
        created = now - timedelta(days=rng.randint(400, 1500))
        rows.contacts.append(
            {
                **base,
                "id": cid,
                "first_name": first,
                "last_name": last,
                "display_name": f"{first} {last}",
                "nickname": None,
                "search_key": contact_search_key(f"{first} {last}", None, [email]),
                "sort_key": fold(f"{last} {first}"),
                "how_met": rng.choice(HOW_MET),
                "met_on": (created - timedelta(days=rng.randint(0, 700))).date(),
                "tier": tier,
                "cadence_days": owner.cadences[Tier(tier)] if tier else None,
                "custom_fields": {},
                "archived_at": None,
                "import_id": None,
                "created_at": created,
            }
        )
        rows.emails.append({"contact_id": cid, "email": email, "label": "work", "position": 0})
        if rng.random() < 0.6:
            digits = f"1{rng.choice(AREA_CODES)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
            rows.phones.append(
                {
                    "contact_id": cid,
                    "e164": f"+{digits}",
                    "digits_reversed": digits[::-1],
                    "label": "mobile",
                    "position": 0,
                }
            )
        if org_id in new_orgs:
            newcomers.add(cid)
        rows.positions.append(
            {
                "contact_id": cid,
                "organization_id": org_id,
                "title": rng.choice(TITLES),
                "start_date": (now - timedelta(days=rng.randint(100, 2000))).date(),
                "end_date": None,
            }
        )
        old_org = org_ids[(org_index + 1) % len(org_ids)][0]
        if rng.random() < 0.3 and old_org not in new_orgs:
            rows.positions.append(
                {
                    "contact_id": cid,
                    "organization_id": old_org,
                    "title": rng.choice(TITLES),
                    "start_date": (now - timedelta(days=rng.randint(2500, 4000))).date(),
                    "end_date": (now - timedelta(days=rng.randint(2001, 2400))).date(),
                }
            )
        for tag_index in rng.sample(range(len(TAGS)), k=rng.choice([0, 1, 1, 2])):
            rows.contact_tags.append({"contact_id": cid, "tag_id": start.tag + tag_index})
    _interactions(rows, rng, now, tiers, start, base, interactions)
    if with_tasks:
        _tasks_and_notes(rows, rng, now, base, owner.timezone)
        rows.ledger, rows.asks, steps = generate_giving(
            rows.contacts, rng, now, base, owner.timezone, start.ask, newcomers
        )
        rows.tasks += steps
    return rows


def _organizations(
    rows: NetworkRows,
    fake: Faker,
    rng: random.Random,
    count: int,
    first_id: int,
    base: Row,
    taken: Collection[str],
) -> list[tuple[int, str]]:
    ids: list[tuple[int, str]] = []
    seen: set[str] = set(taken)
    for n in range(count):
        name = fake.company()
        while fold(name) in seen:
            name = f"{fake.company()} {rng.randint(2, 99)}"
        seen.add(fold(name))
        domain = "".join(ch for ch in fold(name.split(",")[0]) if ch.isalnum())[:40] + ".example"
        rows.organizations.append(
            {
                **base,
                "id": first_id + n,
                "name": name,
                "name_key": fold(name),
                "domain": domain,
                "description": fake.catch_phrase(),
                "custom_fields": {},
                "archived_at": None,
                "import_id": None,
            }
        )
        ids.append((first_id + n, domain))
    return ids


def _interactions(
    rows: NetworkRows,
    rng: random.Random,
    now: datetime,
    tiers: list[str | None],
    start: StartIds,
    base: Row,
    total: int | None,
) -> None:
    channels, weights = list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values())
    if not tiers:
        return
    if total is None:
        plan = [rng.randint(*TOUCHES_BY_TIER[t]) for t in tiers]
    else:
        plan = [
            total // len(tiers) + (1 if i < total % len(tiers) else 0) for i in range(len(tiers))
        ]
    next_id = start.interaction
    two_years = 730 * 24 * 3600
    for index, count in enumerate(plan):
        cid = start.contact + index
        for _ in range(count):
            channel = rng.choices(channels, weights)[0]
            when = now - timedelta(seconds=rng.randint(3600, two_years))
            recipients = rng.randint(40, 250) if channel == "email" and rng.random() < 0.08 else 1
            rows.interactions.append(
                {
                    **base,
                    "id": next_id,
                    "occurred_at": when,
                    "channel": channel,
                    "summary": rng.choice(SUMMARIES[channel]).format(topic=rng.choice(TOPICS)),
                    "initiator": "me" if rng.random() < 0.6 else "them",
                    "recipients": recipients,
                    "import_id": None,
                    "created_at": when,
                    "updated_at": when,
                }
            )
            rows.participants.append({"interaction_id": next_id, "contact_id": cid})
            if channel == "meeting" and len(tiers) > 1 and rng.random() < 0.3:
                other = start.contact + rng.randrange(len(tiers))
                if other != cid:
                    rows.participants.append({"interaction_id": next_id, "contact_id": other})
            next_id += 1


def _tasks_and_notes(
    rows: NetworkRows, rng: random.Random, now: datetime, base: Row, timezone: str
) -> None:
    people = rows.contacts
    if not people:
        return
    tz = zone(timezone)
    today = local_date_of(now, tz)
    # Every section of `today` gets something: overdue, due today, and upcoming.
    offsets = [-5, -2, -1, 0, 0, 0, 1, 3, 7, 14]
    count = max(len(offsets), len(people) // 10)
    for n in range(count):
        person = people[rng.randrange(len(people))]
        days = offsets[n] if n < len(offsets) else rng.randint(-10, 30)
        # An all-day task is stored as local midnight, as tasks.add_task stores one.
        due = local_midnight_utc(today + timedelta(days=days), tz)
        repeat = "monthly" if n % 7 == 3 else None
        rows.tasks.append(
            task_row(
                base,
                title=rng.choice(TASKS).format(name=person["first_name"]),
                due_at=due,
                recurrence=repeat,
                series_due_at=due if repeat else None,
                contact_id=person["id"],
            )
        )
    for person in rng.sample(people, k=max(1, len(people) // 5)):
        rows.notes.append(
            {
                **base,
                "contact_id": person["id"],
                "organization_id": None,
                "body": f"Cares about {rng.choice(TOPICS)}; "
                f"ask about {rng.choice(TOPICS)} next time.",
            }
        )
