"""CardDAV and the calendar feed: protocol only; every decision is a service's."""
