"""Benchmarks: the ETL at scale, a registry of 100,000 documents, the dashboard under load
(``python -m bench``; figures in bench/RESULTS.md)."""
