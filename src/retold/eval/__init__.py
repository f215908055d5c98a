"""Scoring against ground truth: the demo generator's and the benchmarks in ../shared/data."""
