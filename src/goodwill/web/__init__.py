"""The web face: the REST API (and, later, pages) over the services."""
