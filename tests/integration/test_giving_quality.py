"""Ways to give measured on a hand-labelled network (both databases).

tests/data/giving/network.json holds 30 contacts with needs, offers and discovery
challenges, four offers of the user's own, and labels: 14 pairs that are a real way
to give and 16 plausible look-alikes that are not — "Java" the island and the
language, a data-engineer hire and a data-entry offer, Python the snake, recruiters
for the wrong field, an accountant and an account executive, a job seeker and a
fellow job seeker, expired and closed items.

Measured when written (both databases; `python bench/giving_quality.py` prints the
same): 16 suggested, precision@5 1.00, precision@10 1.00, recall 1.00 (14 of 14); the
two wrong pairs that appear (your SaaS pricing feedback for a hiring need, your KPI
article for someone seeking a logistics partner) score 0.230 and 0.213, under the lowest
correct one (a pitch-deck review for a seed round, 0.265). Run with -s to see the list:
    python -m pytest tests/integration/test_giving_quality.py -s
"""

from __future__ import annotations

from goodwill.services import giving
from tests.giving_network import evaluate, load_network

PRECISION_AT_5_FLOOR = 1.0
RECALL_FLOOR = 0.9


def test_labelled_correct_gives_rank_above_labelled_wrong_ones(owner, uow):
    network = load_network(owner, uow)
    found = giving.ways_to_give(owner, uow, limit=1000)
    figures = evaluate(found, network)
    print(
        f"\nways to give: {figures.shown} suggested; precision@5 {figures.precision_at_5:.2f}, "
        f"precision@10 {figures.precision_at_10:.2f}, recall {figures.recall:.2f}"
    )
    for rank, suggestion in enumerate(found, 1):
        pair = network.label(suggestion)
        mark = "ok " if pair in network.correct else "BAD" if pair in network.wrong else " ? "
        print(f"  {rank:2} {mark} {suggestion.score:.3f} {suggestion.kind:9} {pair}")
    assert figures.every_correct_above_every_wrong, (figures.correct_ranks, figures.wrong_ranks)
    assert figures.precision_at_5 >= PRECISION_AT_5_FLOOR
    assert figures.recall >= RECALL_FLOOR


def test_expired_closed_and_stale_answers_never_match(owner, uow):
    network = load_network(owner, uow)
    pairs = {network.label(s) for s in giving.ways_to_give(owner, uow, limit=1000)}
    never = {("quinn-flat", "rita-flat"), ("rita-tutor", "tariq-teach")}
    never.add(("emil-spanish", "mine-spanish"))
    assert not pairs & never
    # Eve's older challenge (onboarding drivers) gave way to her latest (carrier costs).
    assert ("eve:challenges", "mine-kpi") in pairs
    assert not any(need.startswith("?Our onboarding of new drivers") for need, _ in pairs)


def test_the_kinds_of_give_on_the_network(owner, uow):
    network = load_network(owner, uow)
    kinds = {network.label(s): s.kind for s in giving.ways_to_give(owner, uow, limit=1000)}
    assert kinds[("ana-hire", "ben-de")] == "introduce"
    assert kinds[("cara-job", "dan-rec")] == "refer"
    assert kinds[("yara-job", "hugo-rec")] == "refer"
    assert kinds[("zoe:challenges", "mine-onboarding")] == "share"
