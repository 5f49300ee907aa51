"""The council's world: organisation, cases, meetings and deadlines.

Pure rules live in small modules (``lifecycle``, ``scheduling``, ``calendar``, ``publicity``);
persistence (``model``, ``db``, ``uow``) and the service layer (``services``) sit beside them.
Nothing here imports Prefect, SMTP or icalendar.
"""
