"""Entrypoints: the staff CLI, the Prefect flows that carry cases, and the demo season."""
