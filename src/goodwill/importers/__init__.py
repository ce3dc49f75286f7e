"""Streaming parsers, one module per format: files in, plain records and per-record errors out.

They know nothing of the database; `services/importing.py` matches and saves.
"""
