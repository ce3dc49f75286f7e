"""The labelled network of tests/data/giving/network.json: loading it and scoring the
ways to give against its labels (tests/integration/test_giving_quality.py and
bench/giving_quality.py share this)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from goodwill.domain.dates import local_date_of
from goodwill.services import contacts, giving
from goodwill.services.actor import Actor, utcnow
from goodwill.services.contacts import ContactChanges
from goodwill.services.giving import GiveSuggestion
from goodwill.storage.schema import DiscoveryAnswer, NeedOffer
from goodwill.storage.unit_of_work import UnitOfWork

FIXTURE = Path(__file__).resolve().parent / "data" / "giving" / "network.json"


@dataclass
class Network:
    """Fixture ids ("ana-hire", "eve:challenges") by (contact id or None, text), and labels."""

    by_side: dict[tuple[int | None, str], str] = field(default_factory=dict)
    correct: set[tuple[str, str]] = field(default_factory=set)
    wrong: set[tuple[str, str]] = field(default_factory=set)

    def label(self, suggestion: GiveSuggestion) -> tuple[str, str]:
        def side(view: Any) -> str:
            contact = view.contact.id if view.contact is not None else None
            return self.by_side.get((contact, view.text), f"?{view.text[:30]}")

        return side(suggestion.need), side(suggestion.offer)


@dataclass(frozen=True)
class Figures:
    shown: int
    precision_at_5: float
    precision_at_10: float
    recall: float  # labelled-correct pairs suggested / all labelled-correct pairs
    correct_ranks: dict[tuple[str, str], int]  # 1-based
    wrong_ranks: dict[tuple[str, str], int]
    unlabelled: list[tuple[str, str]]

    @property
    def every_correct_above_every_wrong(self) -> bool:
        if not self.correct_ranks or not self.wrong_ranks:
            return True
        return max(self.correct_ranks.values()) < min(self.wrong_ranks.values())


def load_network(actor: Actor, uow: UnitOfWork, path: Path = FIXTURE) -> Network:
    doc = json.loads(path.read_text(encoding="utf-8"))
    today = local_date_of(utcnow(), actor.tz)
    network = Network(
        correct={tuple(pair) for pair in doc["labels"]["correct"]},  # type: ignore[misc]
        wrong={tuple(pair) for pair in doc["labels"]["wrong"]},  # type: ignore[misc]
    )

    def add(kind: str, contact_id: int | None, spec: dict[str, Any]) -> None:
        noted = today - timedelta(days=spec.get("noted_days_ago", 0))
        network.by_side[(contact_id, spec["text"])] = spec["id"]
        expires_in = spec.get("expires_in_days")
        if expires_in is not None and expires_in < 0:
            _insert_expired(actor, uow, kind, contact_id, spec, noted, expires_in)
            return
        adder = giving.add_need if kind == "need" else giving.add_offer
        view = adder(
            actor,
            uow,
            contact_id,
            spec["text"],
            tags=spec.get("tags"),
            noted_on=noted,
            expires_on=None if expires_in is None else today + timedelta(days=expires_in),
        )
        if spec.get("closed"):
            giving.close_need_offer(actor, uow, view.id)

    for person in doc["contacts"]:
        contact_id = contacts.add_contact(actor, uow, ContactChanges(name=person["name"])).id
        for spec in person.get("needs", []):
            add("need", contact_id, spec)
        for spec in person.get("offers", []):
            add("offer", contact_id, spec)
        latest: dict[str, tuple[int, str]] = {}
        for answer in person.get("discovery", []):
            days, text = answer["learned_days_ago"], answer["answer"]
            _insert_answer(
                actor, uow, contact_id, answer["question"], text, today - timedelta(days)
            )
            if answer["question"] not in latest or days < latest[answer["question"]][0]:
                latest[answer["question"]] = (days, text)
        for question, (_, text) in latest.items():
            network.by_side[(contact_id, text)] = f"{person['key']}:{question}"
    for spec in doc["mine"]:
        add("offer", None, spec)
    return network


def evaluate(suggestions: list[GiveSuggestion], network: Network) -> Figures:
    labels = [network.label(s) for s in suggestions]
    correct = {pair: rank for rank, pair in enumerate(labels, 1) if pair in network.correct}
    wrong = {pair: rank for rank, pair in enumerate(labels, 1) if pair in network.wrong}
    unlabelled = [p for p in labels if p not in network.correct and p not in network.wrong]

    def precision(k: int) -> float:
        top = labels[:k]
        return sum(1 for p in top if p in network.correct) / k

    return Figures(
        shown=len(suggestions),
        precision_at_5=precision(5),
        precision_at_10=precision(10),
        recall=len(correct) / len(network.correct),
        correct_ranks=correct,
        wrong_ranks=wrong,
        unlabelled=unlabelled,
    )


def _owned(actor: Actor) -> dict[str, Any]:
    now = utcnow()
    return {
        "workspace_id": actor.workspace_id,
        "owner_id": actor.user_id,
        "visibility": "private",
        "created_at": now,
        "updated_at": now,
    }


def _insert_expired(
    actor: Actor,
    uow: UnitOfWork,
    kind: str,
    contact_id: int | None,
    spec: dict[str, Any],
    noted: Any,
    expires_in: int,
) -> None:
    """An item that has expired since it was noted (the service refuses a past expiry)."""
    today = local_date_of(utcnow(), actor.tz)
    with uow.write() as session:
        session.add(
            NeedOffer(
                **_owned(actor),
                contact_id=contact_id,
                kind=kind,
                text=spec["text"],
                tags=spec.get("tags", []),
                noted_on=noted,
                expires_on=today + timedelta(days=expires_in),
            )
        )


def _insert_answer(
    actor: Actor, uow: UnitOfWork, contact_id: int, question: str, text: str, learned: Any
) -> None:
    with uow.write() as session:
        session.add(
            DiscoveryAnswer(
                **_owned(actor),
                contact_id=contact_id,
                question=question,
                answer=text,
                learned_on=learned,
            )
        )
