"""Benchmarks: ``python -m bench <workload>`` prints one JSON document."""
