"""Ways to hand a composed message to the world: SMTP, a folder of .eml files, a list in memory.

The shape follows httpx's transports: one small protocol, several implementations beside it, and
the caller (the outbox dispatcher) never knows which one it has. A transport is a context
manager because a batch is one connection: ``with transport: for row in batch: send(...)``.

Errors say what the caller must do, not what went wrong inside:

* :class:`TemporaryFailure`: try again later (4xx, a dropped connection, a timeout).
* :class:`PermanentFailure`: do not retry this message (5xx); ``reason`` is the server's answer.
* :class:`ConfigurationFailure`: nothing will work until a person fixes the settings (the server
  certificate is not trusted, wrong password, no STARTTLS); stop the batch and tell someone.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Protocol, runtime_checkable

__all__ = [
    "ConfigurationFailure",
    "DeliveryError",
    "PermanentFailure",
    "TemporaryFailure",
    "Transport",
]


class DeliveryError(Exception):
    """A message was not delivered; ``reason`` is a short text safe to store and show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TemporaryFailure(DeliveryError):
    """4xx, a dropped connection, a timeout: the same message may succeed later."""


class PermanentFailure(DeliveryError):
    """5xx for this recipient or message: retrying will not help; keep ``reason`` for a person."""


class ConfigurationFailure(DeliveryError):
    """The transport's settings are wrong (certificate, credentials); no message can be sent."""


@runtime_checkable
class Transport(Protocol):
    """Delivers messages; one batch (one connection, if any) between ``__enter__`` and
    ``__exit__``."""

    def __enter__(self) -> Transport: ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...

    def send(self, envelope_from: str, recipients: Sequence[str], message: bytes, *,
             key: str) -> str:
        """Deliver one message and return a short receipt (a server answer, a file path).

        ``key`` identifies the notification (the outbox key); transports that can be idempotent
        use it. Raises :class:`TemporaryFailure`, :class:`PermanentFailure` or
        :class:`ConfigurationFailure`.
        """
        ...
