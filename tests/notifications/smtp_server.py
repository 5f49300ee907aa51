"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 with STARTTLS and a test CA.

Import the fixtures into a test module (there is no conftest for this folder)::

    from tests.notifications import smtp_server as fixtures

    smtp_pki = fixtures.smtp_pki
    smtp_server_session = fixtures.smtp_server_session
    smtp_server = fixtures.smtp_server

and use ``smtp_server`` (fresh state per test: messages, faults and the connection count are
reset) with ``smtp_server.config()`` for an :class:`SmtpConfig` that trusts the test CA.
Without pytest: ``with running_server(make_pki(folder)) as server: ...``.

Why a real server: the bugs that matter here (an unverified certificate, a second connection
per message, a message sent twice after a reconnect) only show on the wire.

Faults (:class:`Faults`), counted from the last reset, 1-based:

* ``data[n] = "451 4.3.0 try later"``: answer the n-th DATA with that line (nothing recorded);
* ``rcpt["x@y"] = "550 5.1.1 no such user"``: refuse that address at RCPT;
* ``drop_at_data = {n}``: close the connection instead of answering the n-th DATA (the message
  is not recorded; the client sees the connection drop mid-batch).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from notifications.transports.smtp import SmtpConfig

__all__ = [
    "TEST_PASSWORD",
    "TEST_USER",
    "Faults",
    "Pki",
    "Received",
    "RecordingHandler",
    "SmtpTestServer",
    "make_pki",
    "running_server",
    "smtp_pki",
    "smtp_server",
    "smtp_server_session",
]

TEST_USER = "tingflyt"
TEST_PASSWORD = "hemmeleg-Passord-9876"


# -- certificates ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pki:
    ca_file: Path  # PEM of the test CA: what a client must trust
    cert_file: Path  # server certificate for localhost / 127.0.0.1
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def make_pki(folder: Path, names: tuple[str, ...] = ("localhost", "127.0.0.1")) -> Pki:
    """A test CA and a server certificate for ``names`` signed by it (EC P-256: fast to make).

    Give other ``names`` to test that the client checks the host name."""
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tingflyt test CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([_general_name(n) for n in names]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
                       critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pki = Pki(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    pki.ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    pki.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pki.key_file.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return pki


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


# -- the handler -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes  # the raw message as received (CRLF)
    connection: int  # 1-based number of the connection it came on (since the last reset)


@dataclass
class Faults:
    data: dict[int, str] = field(default_factory=dict)
    rcpt: dict[str, str] = field(default_factory=dict)
    drop_at_data: set[int] = field(default_factory=set)


class RecordingHandler:
    """Records accepted messages and connections; injects the faults in :attr:`faults`."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.messages: list[Received] = []
            self.faults = Faults()
            self.data_seen = 0
            self.logins: list[str] = []
            self._connections: list[SMTP] = []

    @property
    def connections(self) -> int:
        """Connections that said EHLO/HELO (the controller's own readiness probe does not)."""
        with self.lock:
            return len(self._connections)

    def _connection_number(self, server: SMTP) -> int:
        for number, seen in enumerate(self._connections, start=1):
            if seen is server:
                return number
        self._connections.append(server)
        return len(self._connections)

    async def handle_EHLO(self, server: SMTP, session: Session, envelope: Envelope,
                          hostname: str, responses: list[str]) -> list[str]:
        with self.lock:
            self._connection_number(server)
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server: SMTP, session: Session, envelope: Envelope,
                          hostname: str) -> str:
        with self.lock:
            self._connection_number(server)
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        with self.lock:
            refusal = self.faults.rcpt.get(address)
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self.lock:
            self.data_seen += 1
            number = self.data_seen
            if number in self.faults.drop_at_data:
                # Abort the TCP connection under TLS: the client's next read sees it gone.
                raw = server._original_transport or server.transport
                assert raw is not None
                raw.abort()
                return "421 4.4.2 dropped"  # never reaches the client
            reply = self.faults.data.get(number)
            if reply:
                return reply
            content = envelope.original_content or envelope.content or b""
            assert isinstance(content, bytes)
            self.messages.append(Received(
                envelope.mail_from or "", tuple(envelope.rcpt_tos), bytes(content),
                self._connection_number(server)))
            queued = len(self.messages)
        return f"250 OK queued as T{queued}"

    def authenticate(self, server: SMTP, session: Session, envelope: Envelope,
                     mechanism: str, auth_data: Any) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == TEST_USER.encode()
              and auth_data.password == TEST_PASSWORD.encode())
        if ok:
            with self.lock:
                self.logins.append(TEST_USER)
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535


# -- the server --------------------------------------------------------------------------------

@dataclass
class SmtpTestServer:
    host: str
    port: int
    ca_file: Path
    handler: RecordingHandler
    implicit_tls: bool

    @property
    def messages(self) -> list[Received]:
        return self.handler.messages

    @property
    def faults(self) -> Faults:
        return self.handler.faults

    @property
    def connections(self) -> int:
        return self.handler.connections

    def reset(self) -> None:
        self.handler.reset()

    def config(self, **overrides: Any) -> SmtpConfig:
        """A config that reaches this server over verified TLS (no login unless asked)."""
        values: dict[str, Any] = {
            "host": self.host, "port": self.port, "ca_file": self.ca_file,
            "security": "ssl" if self.implicit_tls else "starttls",
            "timeout": 5.0, "local_hostname": "tingflyt.test",
        }
        values.update(overrides)
        return SmtpConfig(**values)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (aiosmtpd's Controller cannot take port 0: its
    readiness probe connects to the port it was given)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(pki: Pki, *, implicit_tls: bool = False) -> Iterator[SmtpTestServer]:
    """Start aiosmtpd on 127.0.0.1 (free port) in a thread; STARTTLS required, or implicit TLS.

    AUTH PLAIN/LOGIN is offered over TLS (``TEST_USER``/``TEST_PASSWORD``) but not required, so
    a config without a user sends too.
    """
    handler = RecordingHandler()
    tls = pki.server_context()
    port = free_port()
    common: dict[str, Any] = {
        "hostname": "127.0.0.1", "port": port, "server_hostname": "localhost",
        "authenticator": handler.authenticate,
        "auth_required": False, "ready_timeout": 5.0,
    }
    if implicit_tls:
        # aiosmtpd offers AUTH only after STARTTLS when auth_require_tls; implicit TLS is TLS.
        controller = Controller(handler, ssl_context=tls, auth_require_tls=False, **common)
    else:
        controller = Controller(handler, tls_context=tls, require_starttls=True,
                                auth_require_tls=True, **common)
    controller.start()
    try:
        server = SmtpTestServer("127.0.0.1", port, pki.ca_file, handler, implicit_tls)
        handler.reset()  # forget the controller's readiness probe
        yield server
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def smtp_pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("smtp-pki"))


@pytest.fixture(scope="session")
def smtp_server_session(smtp_pki: Pki) -> Iterator[SmtpTestServer]:
    with running_server(smtp_pki) as server:
        yield server


@pytest.fixture
def smtp_server(smtp_server_session: SmtpTestServer) -> Iterator[SmtpTestServer]:
    """The STARTTLS server, with messages, faults and connection count reset for this test."""
    smtp_server_session.reset()
    yield smtp_server_session
    smtp_server_session.reset()
