"""The council's world: organisation, cases, meetings and deadlines.

Floor by floor: ``errors`` and ``rules`` (pure, no database), ``store`` (tables, engines, the
unit of work and its repositories), ``operations`` (steps commands and the engine share), then
``commands`` (the registry), ``engine`` (reconcile, sweep) and ``queries`` (read models) side by
side. Nothing here imports Prefect, SMTP, icalendar, Jinja or typer.
"""
