"""Realistic, seeded demo networks (used by `goodwill demo` and the benchmarks)."""
