"""Tests of the benchmark instruments (benchmarks/)."""
