"""The store: tables, engines, the unit of work and repositories. The only SQLAlchemy in domain/."""
