"""Tests run against the real gazettes and the real pipeline."""
