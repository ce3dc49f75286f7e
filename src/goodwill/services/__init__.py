"""Use cases (commands) and read models (queries), one public function each.

Every public function takes the acting user (`Actor`) and a `UnitOfWork`,
applies visibility, runs in one transaction and returns plain values.
"""
