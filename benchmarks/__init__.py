"""Benchmarks of confgen against the peer generators (`make bench` -> RESULTS.md)."""
