"""Ways to give: quality on the labelled network, and the matcher's cost at scale.

1. Loads tests/data/giving/network.json (30 contacts, needs, offers, discovery
   challenges, the user's own offers; pairs labelled correct or wrong) into a fresh
   SQLite file, runs `services.giving.ways_to_give` and prints precision at 5 and at
   10 (labelled-correct suggestions among the top k; an unlabelled one counts as not
   correct), recall (labelled-correct pairs suggested / all of them), and whether every
   labelled-correct suggestion ranks above every labelled-wrong one that appears.
2. Times the domain matcher (`domain.giving.suggest`, blocking through an inverted
   index of words and tags) on the fixture's items copied for N contacts, against the
   number of pairs it scored and the all-pairs count.

    python bench/giving_quality.py [--copies 300]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from goodwill.bootstrap import open_database  # noqa: E402
from goodwill.domain import giving as rules  # noqa: E402
from goodwill.domain.dates import local_date_of  # noqa: E402
from goodwill.services import giving  # noqa: E402
from goodwill.services._giving_items import load_items  # noqa: E402
from goodwill.services.accounts import local_actor  # noqa: E402
from goodwill.services.actor import utcnow  # noqa: E402
from tests.giving_network import evaluate, load_network  # noqa: E402


class CountingMatcher(rules.TokenMatcher):
    def __init__(self) -> None:
        self.calls = 0

    def score(self, need: rules.Item, offer: rules.Item) -> rules.Match | None:
        self.calls += 1
        return super().score(need, offer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=300, help="network copies for timing")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="goodwill-bench-giving-"))
    db = open_database(f"sqlite:///{work / 'giving.db'}", upgrade=True)
    try:
        actor = local_actor(db.uow)
        network = load_network(actor, db.uow)
        found = giving.ways_to_give(actor, db.uow, limit=1000)
        figures = evaluate(found, network)
        print(f"labelled network: {len(network.correct)} correct pairs, {len(network.wrong)} wrong")
        print(f"suggested: {figures.shown}")
        print(f"precision@5:  {figures.precision_at_5:.2f}")
        print(f"precision@10: {figures.precision_at_10:.2f}")
        print(f"recall:       {figures.recall:.2f}")
        print(f"every correct above every wrong: {figures.every_correct_above_every_wrong}")
        for rank, suggestion in enumerate(found, 1):
            pair = network.label(suggestion)
            mark = (
                "correct" if pair in network.correct else "WRONG" if pair in network.wrong else "?"
            )
            print(
                f"  {rank:2} {suggestion.score:.3f} {mark:7} {suggestion.kind:9} "
                f"{pair[0]} -> {pair[1]}"
            )
        missing = sorted(network.wrong - set(figures.wrong_ranks))
        print(f"labelled wrong and never suggested: {len(missing)} of {len(network.wrong)}")
        with db.uow.read() as session:
            today = local_date_of(utcnow(), actor.tz)
            needs, offers = load_items(session, actor, today)
        _scale(needs, offers, today, args.copies)
    finally:
        db.close()


def _scale(needs: list[rules.Item], offers: list[rules.Item], today: object, copies: int) -> None:
    """The fixture's items copied `copies` times, each copy with its own contacts."""

    def copy(items: list[rules.Item], n: int) -> list[rules.Item]:
        return [
            replace(
                i,
                ref=f"{i.ref}-{n}",
                contact_id=None if i.contact_id is None else i.contact_id + n * 1000,
            )
            for i in items
        ]

    many_needs = [i for n in range(copies) for i in copy(needs, n)]
    many_offers = [i for n in range(copies) for i in copy(offers, n)]
    samples = []
    matcher = CountingMatcher()
    found: list[rules.Suggestion] = []
    for _ in range(3):
        matcher.calls = 0
        started = time.perf_counter()
        found = rules.suggest(many_needs, many_offers, matcher, today)  # type: ignore[arg-type]
        samples.append(time.perf_counter() - started)
    ranked = rules.rank(found, {})
    print(
        f"matcher at scale: {len(many_needs):,} needs × {len(many_offers):,} offers "
        f"({len(many_needs) * len(many_offers):,} pairs): {matcher.calls:,} scored after "
        f"blocking, {len(ranked):,} suggestions, median {statistics.median(samples):.2f} s"
    )


if __name__ == "__main__":
    main()
