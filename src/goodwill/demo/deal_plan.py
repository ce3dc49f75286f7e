"""What the demo's sales pipeline and job search went through: each deal's stages in
order, its source and its close reason, and the words and figures around them.

A cold sales deal is one where the user had given nothing to its people before it
opened; every other deal follows giving. Cold deals close worse (1 won, 3 lost against
3 won, 2 lost), as the product claims. The job search is still on: one offer pending,
one declined, nothing accepted. A few open ones have stalled: in their stage for more
than twice as long as any finished stay there, so the aging report has them.
"""

from __future__ import annotations

Deal = tuple[list[str], str, str | None]  # stages entered in order, source, close reason

SALES_DEALS: list[Deal] = [
    (["prospect"], "cold", None),
    (["prospect"], "inbound", None),
    (["prospect"], "cold", None),
    (["prospect", "discovery"], "referral", None),
    (["prospect", "discovery"], "cold", None),
    (["prospect", "discovery", "proposal", "discovery"], "cold", None),  # stepped back
    (["prospect", "proposal"], "introduction", None),  # skipped discovery
    (["prospect", "discovery", "proposal"], "referral", None),
    (["prospect", "discovery", "proposal"], "cold", None),
    (["discovery", "negotiation"], "inbound", None),  # came in qualified, skipped proposal
    (["prospect", "discovery", "proposal", "negotiation"], "referral", None),
    (["prospect", "discovery", "proposal", "negotiation", "proposal", "negotiation"], "cold", None),
    (["prospect", "discovery", "proposal", "negotiation", "won"], "referral", "signed for a year"),
    (["prospect", "discovery", "proposal", "negotiation", "won"], "introduction", "signed"),
    (["prospect", "proposal", "negotiation", "won"], "cold", "signed after the pilot"),
    (["discovery", "proposal", "won"], "inbound", "signed"),
    (["prospect", "discovery", "proposal", "lost"], "cold", "went with a cheaper vendor"),
    (["prospect", "discovery", "lost"], "cold", "no budget this year"),
    (
        ["prospect", "discovery", "proposal", "negotiation", "lost"],
        "referral",
        "kept the incumbent",
    ),
    (
        ["prospect", "discovery", "qualified-out"],
        "inbound",
        "wants a fixed price for an open scope and treats us as order-takers",
    ),
    (
        ["prospect", "discovery", "proposal", "qualified-out"],
        "cold",
        "scope creep without budget; paid the pilot 60 days late",
    ),
]
# Open deals (indexes into SALES_DEALS) stuck in their current stage: the discounts
# haggler in proposal, a cold lead that never left discovery.
STALLED_SALES = frozenset({4, 8})
JOBS: list[Deal] = [
    (["target"], "cold", None),
    (["target"], "cold", None),
    (["target", "networking"], "introduction", None),
    (["target", "networking"], "cold", None),
    (["applied"], "cold", None),  # applied straight away
    (["target", "networking", "applied"], "referral", None),
    (["applied", "screen"], "referral", None),
    (["target", "applied", "screen", "interviews"], "referral", None),
    (["applied", "screen", "interviews"], "cold", None),
    (["target", "networking", "applied", "screen", "interviews", "offer"], "referral", None),
    (
        ["networking", "applied", "screen", "interviews", "offer", "withdrawn"],
        "introduction",
        "declined the offer: on-call every other week",
    ),
    (["applied", "rejected"], "cold", "no reply after the application"),
    (["applied", "screen", "interviews", "rejected"], "cold", "went with an internal candidate"),
    (
        ["target", "networking", "applied", "screen", "withdrawn"],
        "referral",
        "the role turned into people management",
    ),
]
STALLED_JOBS = frozenset({4})  # an application nobody answered
DEAL_TITLES = ["Onboarding workshop", "Platform licence", "Data audit", "Retainer", "Pilot"]
JOB_TITLES = ["Staff engineer", "Engineering manager", "Principal engineer", "Head of platform"]
SALES_STEPS = {
    "prospect": "Book the discovery call",
    "discovery": "Send the discovery notes",
    "proposal": "Follow up on the proposal",
    "negotiation": "Send the revised terms",
}
JOB_STEPS = {
    "networking": "Ask for a coffee chat",
    "applied": "Follow up with the recruiter",
    "screen": "Prepare the system design round",
    "interviews": "Send thank-you notes",
    "offer": "Negotiate the start date",
}
RED_FLAGS = [
    ("treats us as order-takers", "Rewrote our proposal into a purchase order without asking"),
    ("scope creep without budget", "Three new deliverables asked for in one week, no budget"),
    ("late payment", "Pilot invoice paid 60 days late after two reminders"),
]
OFFER_DETAILS = {"equity": "0.1% over 4 years", "remote": "2 days a week", "start": "in 4 weeks"}
SALES_VALUES = [4_000, 8_000, 12_000, 18_000, 25_000, 40_000, 60_000, 90_000]
