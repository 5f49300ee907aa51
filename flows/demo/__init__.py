"""The demo: a council's season played through the engine and Prefect (``make demo``)."""
