"""Demo give/take history and asks in every state, as plain rows."""

from __future__ import annotations

import random
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from goodwill.domain.dates import local_date_of, local_midnight_utc, zone

Row = dict[str, Any]

GIVE_KINDS = {
    "advice": 20, "article": 20, "introduction": 15, "favor": 15,
    "referral": 10, "recommendation": 10, "resume": 5, "business": 5,
}  # fmt: skip
RECEIVE_KINDS = {
    "advice": 25, "introduction": 20, "favor": 20, "referral": 15,
    "recommendation": 10, "business": 5, "article": 5,
}  # fmt: skip
WEIGHTS = {1: 30, 2: 30, 3: 20, 4: 12, 5: 8}
GIVE_NOTES = {
    "advice": "Reviewed their pitch deck",
    "article": "Sent them the article on {topic}",
    "introduction": "Introduced them to a designer",
    "favor": "Helped with {topic}",
    "referral": "Referred a client their way",
    "recommendation": "Wrote a LinkedIn recommendation",
    "resume": "Passed their resume to a hiring manager",
    "business": "Sent a paid project their way",
}
RECEIVE_NOTES = {
    "advice": "Advice on {topic}",
    "introduction": "Introduced me to an investor",
    "favor": "Covered for me at {topic}",
    "referral": "Referred me for a role",
    "recommendation": "Recommended me to their network",
    "business": "Hired me for a workshop",
    "article": "Sent me a useful read on {topic}",
}
TOPICS = ["hiring", "fundraising", "pricing", "the product launch", "the conference"]
ASK_PLAN = [
    # (status, kind, asked days ago or None)
    ("draft", "advice", None),
    ("planned", "introduction", None),
    ("asked", "favor", 3),
    ("asked", "referral", 12),
    ("granted", "introduction", 30),
    ("declined", "business", 45),
    ("withdrawn", "favor", None),
    ("granted", "advice", 20),
]
ASK_TEXT = {
    "favor": ("Feedback on my talk outline", "They give the best talks I know"),
    "introduction": ("An introduction to the head of data at Northwind",
                     "They worked with her for three years"),
    "referral": ("A referral for the staff engineer role at their company",
                 "They know my work from the migration project"),
    "business": ("A pilot of our onboarding workshop", "Their team is scaling fast"),
    "advice": ("Advice on pricing a retainer", "They ran a consultancy for ten years"),
}  # fmt: skip
TASK_KEYS = (
    "title", "due_at", "all_day", "snoozed_until", "done_at", "recurrence", "series_due_at",
    "contact_id", "ask_id", "step_order", "channel",
)  # fmt: skip


def task_row(base: Row, **values: Any) -> Row:
    """Every task row carries every column, as executemany needs one shape."""
    return {**base, **dict.fromkeys(TASK_KEYS), "all_day": True, **values}


def _entry(
    rng: random.Random, base: Row, direction: str, contact: Row, now: datetime, tz: Any
) -> Row:
    kinds = GIVE_KINDS if direction == "gave" else RECEIVE_KINDS
    kind = rng.choices(list(kinds), list(kinds.values()))[0]
    notes = GIVE_NOTES if direction == "gave" else RECEIVE_NOTES
    note = notes[kind].format(topic=rng.choice(TOPICS))
    when = now - timedelta(days=rng.randint(1, 700))
    return {
        **base, "direction": direction, "kind": kind, "counterpart_id": contact["id"],
        "related_contact_id": None, "weight": rng.choices(list(WEIGHTS), list(WEIGHTS.values()))[0],
        "occurred_on": local_date_of(when, tz), "note": note,
        "ask_id": None, "import_id": None, "created_at": when, "updated_at": when,
    }  # fmt: skip


def generate_giving(
    contacts: list[Row],
    rng: random.Random,
    now: datetime,
    base: Row,
    timezone: str,
    first_ask: int,
    newcomers: Collection[int] = frozenset(),
) -> tuple[list[Row], list[Row], list[Row]]:
    """Ledger entries (the user gives more than they take, with a few takers, and has
    no history with `newcomers` yet), and asks in every state with their plan steps.
    Returns (ledger, asks, step tasks)."""
    tz = zone(timezone)
    ledger: list[Row] = []
    for contact in contacts:
        if contact["id"] in newcomers or rng.random() < 0.4:
            continue
        taker = rng.random() < 0.15  # someone the user has leaned on more than helped
        gives = rng.randint(0, 1) if taker else rng.randint(1, 4)
        takes = rng.randint(2, 4) if taker else rng.randint(0, 2)
        ledger += [_entry(rng, base, "gave", contact, now, tz) for _ in range(gives)]
        ledger += [_entry(rng, base, "received", contact, now, tz) for _ in range(takes)]
    asks: list[Row] = []
    steps: list[Row] = []
    if not contacts:
        return ledger, asks, steps
    today = local_date_of(now, tz)
    chosen = rng.sample(contacts, k=min(len(contacts), len(ASK_PLAN)))
    for n, contact in enumerate(chosen):
        status, kind, asked_days = ASK_PLAN[n]
        ask_id = first_ask + n
        what, why = ASK_TEXT[kind]
        needs_target = kind in {"introduction", "referral"}
        asked_at = now - timedelta(days=asked_days) if asked_days is not None else None
        closed = status in {"granted", "declined", "withdrawn"}
        asks.append({
            **base, "id": ask_id, "contact_id": contact["id"], "kind": kind, "what": what,
            "why_them": why,
            "why_target_cares": "She is hiring for the team I would join" if needs_target else None,
            "blurb": f"{contact['first_name']}, here is a short note you can forward…"
            if needs_target else None,
            "target_contact_id": None,
            "target_description": "Head of data at Northwind" if needs_target else None,
            "status": status,
            "outcome": {"granted": "Said yes right away", "declined": "Not the right time",
                        "withdrawn": "Found another way"}.get(status),
            "asked_at": asked_at, "closed_at": now - timedelta(days=2) if closed else None,
        })  # fmt: skip
        if status == "planned":
            for order, (channel, days) in enumerate([("handwritten note", 0), ("call", 3)], 1):
                steps.append(task_row(
                    base, title=f"Ask {contact['first_name']}: {channel}",
                    due_at=local_midnight_utc(today + timedelta(days=days), tz),
                    contact_id=contact["id"], ask_id=ask_id, step_order=order, channel=channel,
                ))  # fmt: skip
        if status == "granted":
            entry = _entry(rng, base, "received", contact, now, tz)
            entry.update(kind=kind, ask_id=ask_id, note=f"Granted: {what}")
            ledger.append(entry)
    return ledger, asks, steps
