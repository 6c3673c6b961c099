"""`python -m bench` (`make bench`): every speed, memory and size figure of TARGETS.md
measured beside its reference in one run, written to BENCHMARKS.md."""
