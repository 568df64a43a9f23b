"""Benchmarks of NQTrack (`make bench`). Not part of the installed package."""
