"""Benchmark and demo-data tooling beside the application (see README.md); production never
imports it."""
