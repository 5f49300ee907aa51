"""Settings and organisation files: what makes one council differ from another."""
