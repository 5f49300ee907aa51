"""SMTP delivery through the ``emails`` package's SMTP backend, with the certificate verified.

What ``emails`` 1.1.3 does (read in ``emails/backend/smtp/{backend,client}.py``) and what this
module changes, minimally, by subclassing:

* ``SMTPClientWithResponse.initialize()`` calls ``self.starttls()`` with no SSL context, so
  smtplib uses an unverified context: any certificate is accepted. :class:`_Client` overrides
  ``initialize()`` to call ``starttls(context=...)`` with
  ``ssl.create_default_context(cafile=config.ca_file)``: chain and host name are verified.
* ``SMTPClientWithResponse_SSL`` passes no context to ``SMTP_SSL`` either, and its ``__init__``
  runs ``SMTP.__init__`` twice (once through ``SMTP_SSL.__init__``, once through
  ``SMTPClientWithResponse.__init__``), each time with the host, i.e. it connects twice and
  leaks the first socket (measured: two ``socket.create_connection`` calls for one
  ``SMTPBackend(ssl=True).get_client()``). :class:`_SslClient` sets the context and connects once.
* ``SMTPBackend.sendmail()`` always wraps the send in ``retry_on_disconnect``: after a dropped
  connection it reconnects and sends again, which can deliver a message twice when the server
  had already accepted it. :class:`_Backend` makes that wrapper the identity: a dropped
  connection is a :class:`TemporaryFailure` and the outbox decides about retrying.
* ``fail_silently`` defaults to True (errors become a response object nobody reads); it is False
  here. One backend (one connection, ended with QUIT) per ``with`` block.

The message itself is composed by :mod:`notifications.mime`; the backend wants an object with
``as_bytes()``, so the prepared bytes are handed over in a tiny wrapper, unchanged.

A recipient refused while another accepted the same message is not a failure (the message
went); the receipt then ends with ``; refused: 550 ... (address)``. The outbox sends one
recipient per message, so this is the exception.

Wrong user name or password (535) is a :class:`ConfigurationFailure`, like an untrusted
certificate: no message can go until a person fixes the settings, and retrying a wrong password
only gets the account locked. The password is never logged, never in ``repr`` and never in an
exception text (reasons are built from the server's code and text only).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from emails.backend.smtp.backend import SMTPBackend
from emails.backend.smtp.client import SMTPClientWithResponse

from notifications.transports import (
    ConfigurationFailure,
    DeliveryError,
    PermanentFailure,
    TemporaryFailure,
)

__all__ = ["SmtpConfig", "SmtpTransport"]

log = logging.getLogger(__name__)

Security = Literal["starttls", "ssl", "none"]


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 587
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    security: Security = "starttls"
    ca_file: Path | None = None  # an extra CA to trust (e.g. the one that signed a local server)
    timeout: float = 30.0
    local_hostname: str | None = None  # what we say in EHLO; None: this machine's FQDN

    def __post_init__(self) -> None:
        if self.security not in ("starttls", "ssl", "none"):
            raise ValueError(f"security: {self.security!r} is not starttls, ssl or none")
        if self.password is not None and self.username is None:
            raise ValueError("password: given without username")

    def ssl_context(self) -> ssl.SSLContext:
        """A verifying client context: the system's CAs plus ``ca_file``."""
        context = ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context


class _Client(SMTPClientWithResponse):
    """emails' client, with STARTTLS given a verifying context."""

    def __init__(self, parent: Any, *, ssl_context: ssl.SSLContext | None = None,
                 **kwargs: Any) -> None:
        self._ssl_context = ssl_context
        super().__init__(parent, **kwargs)

    def initialize(self) -> None:
        if not self._initialized:
            self.set_debuglevel(self.debug)
            if self.tls:
                self.starttls(context=self._ssl_context)
            if self.user:
                self.login(user=self.user, password=self.password)
            self.ehlo_or_helo_if_needed()
            self._initialized = True

    def quit(self) -> None:  # type: ignore[override]
        # After a failed TLS handshake or a dropped connection QUIT can fail in more ways than
        # emails expects (SSLError, OSError); closing is all that is left to do then.
        try:
            super().quit()
        except (OSError, smtplib.SMTPException):
            self.close()


class _SslClient(smtplib.SMTP_SSL, _Client):
    """Implicit TLS (port 465) with a verifying context, connecting once."""

    def __init__(self, parent: Any, *, ssl_context: ssl.SSLContext | None = None,
                 **kwargs: Any) -> None:
        # What SMTP_SSL.__init__ would set, without its connect; _Client.__init__ connects
        # through SMTP.__init__, and SMTP_SSL._get_socket wraps the socket with self.context.
        self.keyfile = None
        self.certfile = None
        self.context = ssl_context or ssl.create_default_context()
        _Client.__init__(self, parent, ssl_context=ssl_context, **kwargs)


class _Backend(SMTPBackend):
    connection_cls = _Client
    connection_ssl_cls = _SslClient

    def retry_on_disconnect(self, func: Any) -> Any:
        return func  # never send a message a second time on our own


class _Prepared:
    """What ``SMTPBackend.sendmail`` expects of a message: ``as_bytes()``."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def as_bytes(self) -> bytes:
        return self._data


def _text(value: bytes | str) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return " ".join(value.split())


def _answer(code: int, text: bytes | str) -> str:
    return f"{code} {_text(text)}".strip()


def _classify(code: int, reason: str) -> DeliveryError:
    if 500 <= code < 600:
        return PermanentFailure(reason)
    return TemporaryFailure(reason)


class SmtpTransport:
    """One SMTP connection per ``with`` block; :meth:`send` delivers one message on it.

    The connection opens on the first :meth:`send` (an empty batch does not connect). After a
    dropped connection, a timeout or a 421 the transport is *broken*: later sends in the same
    batch raise :class:`TemporaryFailure` without touching the network; the next ``with`` block
    starts afresh. A configuration failure also breaks it, and is raised again on every send.
    """

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._backend: _Backend | None = None
        self._broken: DeliveryError | None = None
        self._connected = False

    def __repr__(self) -> str:
        return f"SmtpTransport({self.config!r})"

    @property
    def broken(self) -> bool:
        """Whether this batch's connection is lost: the caller ends the batch (the messages
        not yet tried go back, due at once) instead of counting a failed attempt for each."""
        return self._broken is not None

    # -- batch -----------------------------------------------------------------------------

    def __enter__(self) -> SmtpTransport:
        if self._backend is not None:
            raise RuntimeError("SmtpTransport: batch already open")
        self._broken = None
        self._connected = False
        self._backend = self._make_backend()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        backend, self._backend = self._backend, None
        if backend is not None:
            try:
                backend.close()  # QUIT
            except (OSError, smtplib.SMTPException) as error:
                log.info("SMTP QUIT to %s failed: %s", self.config.host, type(error).__name__)

    def _make_backend(self) -> _Backend:
        config = self.config
        kwargs: dict[str, Any] = {
            "host": config.host,
            "port": config.port,
            "timeout": config.timeout,
            "fail_silently": False,
        }
        if config.local_hostname:
            kwargs["local_hostname"] = config.local_hostname
        if config.username:
            kwargs["user"] = config.username
            kwargs["password"] = config.password
        if config.security == "ssl":
            kwargs["ssl"] = True
        elif config.security == "starttls":
            kwargs["tls"] = True
        if config.security != "none":
            kwargs["ssl_context"] = config.ssl_context()
        return _Backend(**kwargs)

    # -- one message -----------------------------------------------------------------------

    def send(self, envelope_from: str, recipients: Sequence[str], message: bytes, *,
             key: str) -> str:
        backend = self._backend
        if backend is None:
            raise RuntimeError("SmtpTransport.send outside 'with transport:'")
        if self._broken is not None:
            if isinstance(self._broken, ConfigurationFailure):
                raise ConfigurationFailure(self._broken.reason)
            raise TemporaryFailure(f"ikkje sendt: sambandet er brote ({self._broken.reason})")
        if not recipients:
            raise PermanentFailure("ingen mottakarar / no recipients")
        try:
            if not self._connected:
                self._connect(backend)
            response = backend.sendmail(from_addr=envelope_from, to_addrs=list(recipients),
                                        msg=_Prepared(message))
        except DeliveryError as error:
            raise error from None
        except smtplib.SMTPRecipientsRefused as error:
            answers = list(error.recipients.items())
            reason = "; ".join(f"{_answer(c, t)} ({addr})" for addr, (c, t) in answers)
            if all(500 <= c < 600 for _, (c, _t) in answers):
                raise PermanentFailure(reason) from None
            raise TemporaryFailure(reason) from None
        except smtplib.SMTPResponseException as error:  # sender refused, data error
            reason = _answer(error.smtp_code, error.smtp_error)
            if error.smtp_code == 421:  # the server is closing the connection
                self._break(TemporaryFailure(reason))
            raise _classify(error.smtp_code, reason) from None
        except (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError) as error:
            failure = TemporaryFailure(f"sambandet vart brote / connection lost: "
                                       f"{type(error).__name__}")
            self._break(failure)
            raise failure from None
        except OSError as error:
            failure = TemporaryFailure(f"nettverksfeil / network error: {type(error).__name__}: "
                                       f"{error.strerror or ''}".strip())
            self._break(failure)
            raise failure from None
        if response is None or not response.success:
            # fail_silently=False raises on every failure emails knows of; this is a guard.
            raise TemporaryFailure(f"uventa svar / unexpected answer: {response!r}")
        receipt = _answer(response.status_code or 250, response.status_text or b"")
        if response.refused_recipients:
            refused = "; ".join(f"{_answer(c, t)} ({addr})"
                                for addr, (c, t) in response.refused_recipients.items())
            receipt = f"{receipt}; refused: {refused}"
        log.debug("SMTP sent key=%s: %s", key, receipt)
        return receipt

    def _break(self, failure: DeliveryError) -> None:
        self._broken = failure
        if self._backend is not None:
            client = self._backend._client
            self._backend._client = None
            if client is not None:
                client.close()

    def _connect(self, backend: _Backend) -> None:
        """Connect, (STARTTLS,) log in; map what goes wrong here to what the caller must do."""
        config = self.config
        try:
            backend.get_client()
        except ssl.SSLCertVerificationError as error:
            self._fail_config(
                f"tenaren sitt sertifikat er ikkje godkjent / server certificate not trusted "
                f"({error.verify_message}) for {config.host}:{config.port}; set ca_file to the "
                f"CA that signed it (ca_file={config.ca_file})")
        except ssl.SSLError as error:
            self._fail_config(f"TLS feila / TLS failed with {config.host}:{config.port}: "
                              f"{error.reason or type(error).__name__} "
                              f"(security={config.security}, ca_file={config.ca_file})")
        except smtplib.SMTPAuthenticationError as error:
            self._fail_config(f"innlogging avvist / login refused for user "
                              f"{config.username!r}: "
                              f"{_answer(error.smtp_code, error.smtp_error)}")
        except smtplib.SMTPNotSupportedError as error:
            self._fail_config(f"tenaren støttar ikkje / server does not support: "
                              f"{_text(str(error))} (security={config.security})")
        except smtplib.SMTPResponseException as error:
            reason = _answer(error.smtp_code, error.smtp_error)
            failure = _classify(error.smtp_code, reason)
            if isinstance(failure, PermanentFailure):  # 5xx before any message: configuration
                self._fail_config(f"tenaren avviste sambandet / server refused: {reason}")
            self._break(failure)
            raise failure from None
        self._connected = True

    def _fail_config(self, reason: str) -> None:
        failure = ConfigurationFailure(reason)
        log.error("SMTP configuration: %s", reason)
        self._break(failure)
        raise failure from None
