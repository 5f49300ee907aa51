"""Benchmarks for tingflyt (``make bench``); see ``tests.bench.run``."""
