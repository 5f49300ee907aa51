"""A transport that keeps messages in a list: for tests of the dispatcher, no network."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType

from notifications.transports import DeliveryError

__all__ = ["MemoryTransport", "Sent"]


@dataclass(frozen=True)
class Sent:
    envelope_from: str
    recipients: tuple[str, ...]
    message: bytes
    key: str


class MemoryTransport:
    """Records every send in :attr:`sent`; ``fail={key: TemporaryFailure("451 ...")}`` makes the
    send for that key raise instead (every time, until removed from :attr:`fail`), so a test can
    drive retries. :attr:`batches` counts ``with`` blocks (the dispatcher's connections)."""

    def __init__(self, fail: Mapping[str, DeliveryError] | None = None) -> None:
        self.sent: list[Sent] = []
        self.fail: dict[str, DeliveryError] = dict(fail or {})
        self.batches = 0
        self.attempts: list[str] = []

    def __enter__(self) -> MemoryTransport:
        self.batches += 1
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        return None

    def send(self, envelope_from: str, recipients: Sequence[str], message: bytes, *,
             key: str) -> str:
        self.attempts.append(key)
        if key in self.fail:
            raise self.fail[key]
        self.sent.append(Sent(envelope_from, tuple(recipients), bytes(message), key))
        return f"memory:{len(self.sent)}"

    def keys(self) -> list[str]:
        return [s.key for s in self.sent]
