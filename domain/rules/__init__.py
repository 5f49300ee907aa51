"""Pure rules: values in, decisions out. No SQLAlchemy, no database, no I/O."""
