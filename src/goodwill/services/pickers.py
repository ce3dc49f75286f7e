"""What a field that names someone suggests as the user types: contacts (and, for a
warm-path target, organizations) the actor may see, best matches first."""

from __future__ import annotations

from dataclasses import dataclass

from goodwill.services import contacts, organizations
from goodwill.services.actor import Actor
from goodwill.storage.unit_of_work import UnitOfWork

MAX_SUGGESTIONS = 20


@dataclass(frozen=True)
class Suggestion:
    value: str  # what the field gets (a name the services resolve)
    hint: str  # shown beside it: an email, or "organization"
    kind: str  # contact | organization


def suggest_names(
    actor: Actor,
    uow: UnitOfWork,
    query: str,
    *,
    limit: int = 8,
    with_organizations: bool = False,
) -> list[Suggestion]:
    """Up to `limit` contacts matching `query` (then organizations, if asked for);
    nothing for a blank query."""
    if not query.strip():
        return []
    limit = max(1, min(limit, MAX_SUGGESTIONS))
    found = [
        Suggestion(c.display_name, c.primary_email or "", "contact")
        for c in contacts.search_contacts(actor, uow, query, limit=limit)
    ]
    if with_organizations and len(found) < limit:
        found += [
            Suggestion(o.name, "organization", "organization")
            for o in organizations.list_organizations(
                actor, uow, query=query, limit=limit - len(found)
            )
        ]
    return found
