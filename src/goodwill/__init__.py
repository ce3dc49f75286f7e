"""goodwill — a relationship-first CRM.

The package is usable as a library: open a database with
:func:`goodwill.bootstrap.open_database`, then call the use cases in
:mod:`goodwill.services` with an :class:`~goodwill.services.actor.Actor`.
"""

__version__ = "0.1.0"
