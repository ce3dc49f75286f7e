from goodwill.services import contacts
from tests.factories import make_contact


def test_add_contact_then_search_by_accentless_name(owner, uow):
    made = make_contact(owner, uow, name="Zoë Ångström", add_emails=["zoe@example.com"])
    found = contacts.search_contacts(owner, uow, "zoe angstrom")
    assert [c.id for c in found] == [made.id]
