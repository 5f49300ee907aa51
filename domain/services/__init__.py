"""The service layer: one function per staff command, each one transaction (see ``uow``)."""
