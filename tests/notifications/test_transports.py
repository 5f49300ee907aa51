"""Transports against a real aiosmtpd server on 127.0.0.1 (STARTTLS, a test CA), and on disk."""

from __future__ import annotations

import email.policy
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from email.parser import BytesParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from notifications.mime import Composed, as_bytes, compose
from notifications.transports import (
    ConfigurationFailure,
    DeliveryError,
    PermanentFailure,
    TemporaryFailure,
    Transport,
)
from notifications.transports.files import FileTransport
from notifications.transports.memory import MemoryTransport
from notifications.transports.smtp import SmtpConfig, SmtpTransport
from tests.notifications import smtp_server as fixtures
from tests.notifications.smtp_server import (
    TEST_PASSWORD,
    TEST_USER,
    Pki,
    SmtpTestServer,
    make_pki,
    running_server,
)

# The fixtures live in a helper module (no conftest in this folder); naming them here registers
# them for this module.
smtp_pki = fixtures.smtp_pki
smtp_server_session = fixtures.smtp_server_session
smtp_server = fixtures.smtp_server

OSLO = ZoneInfo("Europe/Oslo")
SENDER = "post@hallingdal.no"


def _message(n: int, to: str = "kari@nesbyen.kommune.no") -> bytes:
    return as_bytes(compose(Composed(
        message_id=f"<notice.{n}@tingflyt.no>",
        from_name="Hallingdal interkommunale politiske råd", from_address=SENDER,
        to_name="Kari Flå", to_address=to, subject=f"Innkalling: Møte i Regionrådet, Ål ({n})",
        text="Møtet er i Ål.\n", html="<p>Møtet er i Ål.</p>",
        date=datetime(2026, 8, 13, 9, 30, tzinfo=OSLO))))


def _send_all(transport: SmtpTransport, count: int,
              to: dict[int, str] | None = None) -> list[str | DeliveryError]:
    results: list[str | DeliveryError] = []
    with transport:
        for n in range(1, count + 1):
            address = (to or {}).get(n, f"person{n}@nesbyen.kommune.no")
            try:
                results.append(transport.send(SENDER, [address], _message(n, address),
                                              key=f"k{n}"))
            except DeliveryError as error:
                results.append(error)
    return results


def test_thirty_messages_over_one_verified_connection(smtp_server: SmtpTestServer) -> None:
    transport = SmtpTransport(smtp_server.config())
    assert isinstance(transport, Transport)
    results = _send_all(transport, 30)
    assert all(isinstance(r, str) and r.startswith("250 ") for r in results), results
    assert smtp_server.connections == 1
    assert len(smtp_server.messages) == 30
    assert {m.connection for m in smtp_server.messages} == {1}
    first = smtp_server.messages[0]
    assert first.mail_from == SENDER and first.rcpt_tos == ("person1@nesbyen.kommune.no",)
    parsed = BytesParser(policy=email.policy.strict).parsebytes(first.data)
    assert parsed["Subject"] == "Innkalling: Møte i Regionrådet, Ål (1)"


def test_login_over_starttls(smtp_server: SmtpTestServer) -> None:
    config = smtp_server.config(username=TEST_USER, password=TEST_PASSWORD)
    assert _send_all(SmtpTransport(config), 2)[1] == "250 OK queued as T2"
    assert smtp_server.handler.logins == [TEST_USER]


def test_self_signed_server_is_refused_without_ca_file(smtp_server: SmtpTestServer) -> None:
    results = _send_all(SmtpTransport(smtp_server.config(ca_file=None)), 3)
    assert all(isinstance(r, ConfigurationFailure) for r in results), results
    assert "ca_file" in str(results[0]) and "certificate" in str(results[0])
    assert smtp_server.messages == []
    assert smtp_server.connections == 1  # the EHLO before STARTTLS; no retry per message


def test_host_name_is_verified(tmp_path: Path) -> None:
    # A certificate from a trusted CA, but for another name than the one we connect to.
    pki = make_pki(tmp_path / "pki", names=("smtp.example.no",))
    with running_server(pki) as server:
        result = _send_all(SmtpTransport(server.config()), 2)
        assert all(isinstance(r, ConfigurationFailure) for r in result), result
        assert "127.0.0.1" in str(result[0]) and "mismatch" in str(result[0])
        assert server.messages == []


def test_wrong_password_is_a_configuration_failure(smtp_server: SmtpTestServer) -> None:
    config = smtp_server.config(username=TEST_USER, password="feil-passord-123")
    results = _send_all(SmtpTransport(config), 2)
    assert all(isinstance(r, ConfigurationFailure) for r in results), results
    assert "535" in str(results[0]) and TEST_USER in str(results[0])
    assert "feil-passord-123" not in str(results[0])
    assert smtp_server.messages == []


def test_password_is_never_shown(smtp_server: SmtpTestServer) -> None:
    config = smtp_server.config(username=TEST_USER, password=TEST_PASSWORD)
    assert TEST_PASSWORD not in repr(config) and TEST_PASSWORD not in str(config)
    assert TEST_PASSWORD not in repr(SmtpTransport(config))
    smtp_server.faults.drop_at_data.add(1)
    bad = [config, replace(config, ca_file=None), replace(config, port=1)]
    for each in bad:
        error = _send_all(SmtpTransport(each), 1)[0]
        assert isinstance(error, DeliveryError)
        assert TEST_PASSWORD not in str(error) and TEST_PASSWORD not in repr(error)
        assert error.__cause__ is None


def test_451_fails_one_message_and_the_others_go(smtp_server: SmtpTestServer) -> None:
    smtp_server.faults.data[3] = "451 4.3.0 Prøv igjen seinare"
    results = _send_all(SmtpTransport(smtp_server.config()), 6)
    assert isinstance(results[2], TemporaryFailure)
    assert results[2].reason == "451 4.3.0 Prøv igjen seinare"
    assert [isinstance(r, str) for r in results] == [True, True, False, True, True, True]
    assert len(smtp_server.messages) == 5 and smtp_server.connections == 1


def test_550_for_one_address_is_permanent(smtp_server: SmtpTestServer) -> None:
    smtp_server.faults.rcpt["ukjend@nesbyen.kommune.no"] = "550 5.1.1 Mottakar finst ikkje"
    results = _send_all(SmtpTransport(smtp_server.config()), 4,
                        to={2: "ukjend@nesbyen.kommune.no"})
    assert isinstance(results[1], PermanentFailure)
    assert results[1].reason.startswith("550 5.1.1 Mottakar finst ikkje")
    assert "ukjend@nesbyen.kommune.no" in results[1].reason
    assert [isinstance(r, str) for r in results] == [True, False, True, True]
    assert len(smtp_server.messages) == 3 and smtp_server.connections == 1


def test_one_of_two_recipients_refused_is_in_the_receipt(smtp_server: SmtpTestServer) -> None:
    # The message went to the other recipient, so it is not a failure; the receipt says who not.
    smtp_server.faults.rcpt["ukjend@nesbyen.kommune.no"] = "550 5.1.1 Mottakar finst ikkje"
    with SmtpTransport(smtp_server.config()) as transport:
        receipt = transport.send(SENDER, ["kari@nesbyen.kommune.no", "ukjend@nesbyen.kommune.no"],
                                 _message(1), key="k1")
    assert receipt.startswith("250 ") and "refused: 550 5.1.1" in receipt
    assert smtp_server.messages[0].rcpt_tos == ("kari@nesbyen.kommune.no",)


def test_421_ends_the_batch(smtp_server: SmtpTestServer) -> None:
    smtp_server.faults.data[2] = "421 4.3.2 Stengjer"
    results = _send_all(SmtpTransport(smtp_server.config()), 4)
    assert isinstance(results[0], str)
    assert all(isinstance(r, TemporaryFailure) for r in results[1:])
    assert "421" in str(results[1])
    assert len(smtp_server.messages) == 1


def test_dropped_connection_stops_the_batch_without_resending(
        smtp_server: SmtpTestServer) -> None:
    smtp_server.faults.drop_at_data.add(3)
    transport = SmtpTransport(smtp_server.config())
    results = _send_all(transport, 6)
    assert [isinstance(r, str) for r in results[:2]] == [True, True]
    assert all(isinstance(r, TemporaryFailure) for r in results[2:]), results
    assert "connection lost" in str(results[2])
    assert len(smtp_server.messages) == 2  # nothing after the drop, message 3 not sent twice
    assert smtp_server.handler.data_seen == 3
    # The next batch starts afresh on a new connection
    smtp_server.faults.drop_at_data.clear()
    assert all(isinstance(r, str) for r in _send_all(transport, 2))
    assert smtp_server.connections == 2 and len(smtp_server.messages) == 4


def test_unreachable_server_is_temporary(smtp_server: SmtpTestServer) -> None:
    results = _send_all(SmtpTransport(smtp_server.config(port=1, timeout=1.0)), 2)
    assert all(isinstance(r, TemporaryFailure) for r in results), results


def test_implicit_tls(smtp_pki: Pki) -> None:
    with running_server(smtp_pki, implicit_tls=True) as server:
        config = server.config(username=TEST_USER, password=TEST_PASSWORD)
        assert all(isinstance(r, str) for r in _send_all(SmtpTransport(config), 5))
        assert server.connections == 1 and len(server.messages) == 5
        refused = _send_all(SmtpTransport(server.config(ca_file=None)), 1)[0]
        assert isinstance(refused, ConfigurationFailure)
        assert len(server.messages) == 5


def test_config_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="security"):
        SmtpConfig(host="x", security="tls")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="password"):
        SmtpConfig(host="x", password="p")


# -- files and memory --------------------------------------------------------------------------

@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "utboks"


def test_file_transport_one_file_per_key(folder: Path) -> None:
    transport = FileTransport(folder)
    with transport:
        first = transport.send(SENDER, ["a@b.no"], _message(1), key="notice/rr-2026-08-27/kari")
        again = transport.send(SENDER, ["a@b.no"], _message(2), key="notice/rr-2026-08-27/kari")
        other = transport.send(SENDER, ["a@b.no"], _message(3), key="notice_rr-2026-08-27_kari")
    assert first == again != other
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 2 and all(name.endswith(".eml") for name in files)
    parsed = BytesParser(policy=email.policy.strict).parsebytes(Path(again).read_bytes())
    assert parsed["Subject"] == "Innkalling: Møte i Regionrådet, Ål (2)"  # the re-send won
    assert parsed.get_body(("plain",)).get_content().strip() == "Møtet er i Ål."


def test_memory_transport_records_and_fails_on_demand() -> None:
    transport = MemoryTransport(fail={"k2": TemporaryFailure("451 4.3.0 later")})
    assert isinstance(transport, Transport)
    with transport:
        assert transport.send(SENDER, ["a@b.no"], b"x", key="k1") == "memory:1"
        with pytest.raises(TemporaryFailure, match="451"):
            transport.send(SENDER, ["a@b.no"], b"y", key="k2")
    assert transport.keys() == ["k1"] and transport.attempts == ["k1", "k2"]
    assert transport.batches == 1 and transport.sent[0].recipients == ("a@b.no",)
