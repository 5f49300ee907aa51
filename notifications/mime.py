"""Compose one outgoing e-mail (notice of meeting, reminder, cancellation) as bytes for SMTP.

Why the standard library and not ``emails``: ``emails`` 1.1.x builds a fixed MIME layout
(mixed -> related -> alternative(text, html)); a meeting invitation needs a ``text/calendar;
method=...`` part *inside* the alternative, which ``emails`` only allows through an
``after_build`` hook that patches its tree. ``email.message.EmailMessage`` with
``email.policy.SMTP`` builds exactly the tree we want, RFC 2047-encodes non-ASCII headers
("Ål", "Flå") and writes CRLF. ``emails`` is kept for what it does well: the SMTP connection
(see :mod:`notifications.transports.smtp`). Every message goes through :func:`compose` and
:func:`as_bytes`, which the tests parse with ``email.policy.strict``.

Layout (fixed, one of two shapes):

* nothing to attach and no calendar::

    multipart/alternative
      text/plain; charset=utf-8
      text/html; charset=utf-8

* with a calendar and/or attachments::

    multipart/mixed
      multipart/alternative
        text/plain; charset=utf-8
        text/html; charset=utf-8
        text/calendar; method=REQUEST; charset=utf-8        (only with a calendar)
      application/ics; name="invite.ics"  (attachment)     (only with a calendar)
      <the other attachments, in the order given>

Security: header values come from the database (names of people and councils, case titles in
the subject). A CR/LF in one of them must never start a new header, so every control character
(C0, DEL, C1, U+2028/U+2029) in a header value collapses to one space, and addresses must be a
plain ``local@domain`` or :func:`compose` raises ``ValueError`` naming the field.
"""

from __future__ import annotations

import random
import re
import sys
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from functools import lru_cache
from typing import Any

__all__ = ["Attachment", "Composed", "as_bytes", "compose", "clean_header"]


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # e.g. "application/pdf", "text/calendar"
    data: bytes


@dataclass(frozen=True)
class Composed:
    """Everything one e-mail needs; the caller has rendered and escaped ``text`` and ``html``."""

    message_id: str  # "<key@domain>": stable per notification (derived from the outbox key)
    from_name: str
    from_address: str
    to_name: str
    to_address: str
    subject: str
    text: str
    html: str  # already rendered and escaped by the caller (Jinja autoescape)
    date: datetime  # aware
    calendar: bytes | None = None  # a VCALENDAR with METHOD
    calendar_method: str | None = None  # "REQUEST" | "CANCEL"; equals METHOD inside `calendar`
    attachments: tuple[Attachment, ...] = ()
    reply_to: str | None = None


class _Policy(EmailPolicy):
    """``email.policy.SMTP`` (the same settings, the same bytes), remembering the header work.

    Why: parsing a header value into its tree (on every ``msg[...] = value`` and every
    ``set_param`` inside ``set_content``) and re-folding it (on ``as_bytes``) were most of the
    time to compose a message (measured: ~11 ms of ~12 ms per notice, figure 6 of ``make
    bench``), and most headers repeat from message to message of a batch (the part headers,
    From, Subject, Reply-To). Both are pure functions of the header's name and its text: a
    header object is an immutable ``str`` whose parse tree is made from that text (also when
    the value given was an ``Address`` or a ``datetime``), and the fold depends on it and on
    the policy only. So the parsed header is cached by (name, text) for text values and by
    (name, display name, user, domain) for an ``Address``, and the folded bytes by (name, kind
    of header, text). Other values (the ``datetime`` of Date) are parsed as before; their folds
    are cached all the same. The registry's
    lookup of a header's class (which makes a new class each time) is cached for
    ``header_max_count``.
    """

    def header_store_parse(self, name: str, value: Any) -> tuple[str, Any]:
        if type(value) is str:
            return name, _parsed_header(name, value)
        if type(value) is Address:  # unhashable; made from its three parts, nothing else
            return name, _address_header(name, value.display_name, value.username,
                                         value.domain)
        return super().header_store_parse(name, value)

    def header_max_count(self, name: str) -> int | None:
        # The registry makes a new class on every lookup; asked once per header set.
        return _max_count(name.lower())

    def fold_binary(self, name: str, value: Any) -> bytes:
        if isinstance(value, str) and hasattr(value, "name"):
            # The registry makes a class per header (``_UniqueAddressHeader``, ...) whose
            # bases are the same for every header of that kind: they are the kind.
            return _folded_header(name, type(value).__bases__, str(value), value)
        return super().fold_binary(name, value)


#: The policy of every composed message and of :func:`as_bytes`: equal to ``email.policy.SMTP``.
SMTP = _Policy(linesep="\r\n")
_BASE_SMTP = EmailPolicy(linesep="\r\n")


@lru_cache(maxsize=4096)
def _parsed_header(name: str, value: str) -> Any:
    return _BASE_SMTP.header_store_parse(name, value)[1]


@lru_cache(maxsize=1024)
def _address_header(name: str, display_name: str, username: str, domain: str) -> Any:
    address = Address(display_name=display_name, username=username, domain=domain)
    return _BASE_SMTP.header_store_parse(name, address)[1]


@lru_cache(maxsize=256)
def _max_count(name: str) -> int | None:
    return _BASE_SMTP.header_max_count(name)


def _folded_header(name: str, kind: tuple[type, ...], text: str, value: Any) -> bytes:
    key = (name, kind, text)
    folded = _FOLDED.get(key)
    if folded is None:
        folded = _BASE_SMTP.fold_binary(name, value)
        if len(_FOLDED) >= 4096:
            _FOLDED.clear()
        _FOLDED[key] = folded
    return folded


_FOLDED: dict[tuple[str, tuple[type, ...], str], bytes] = {}

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# A deliberately narrow address: ASCII local part (no quoting, no comments), a host name.
# Anything else (spaces, angle brackets, a second "@", a newline) is refused, not repaired.
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
_MESSAGE_ID = re.compile(r"<[\x21-\x3b\x3d\x3f-\x7e]+@[A-Za-z0-9.-]+>")
_METHOD_LINE = re.compile(rb"^METHOD:([A-Za-z-]+)\r?$", re.MULTILINE)
_TOKEN = re.compile(r"[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+")


def clean_header(value: str) -> str:
    """Collapse every run of control characters (CR, LF, TAB, ...) to one space.

    Why: a header value with a CR/LF could otherwise add headers ("\\r\\nBcc: x"). Collapsing
    (not refusing) keeps a mistyped name from blocking a notice of meeting.
    """
    return _CONTROL.sub(" ", value).strip()


def check_address(value: str, field: str) -> str:
    """Return ``value`` as an ASCII ``local@domain`` (IDN domains to punycode), or ValueError."""
    if not isinstance(value, str) or value.count("@") != 1:
        raise ValueError(f"{field}: ikkje ei gyldig e-postadresse / not a plain address: {value!r}")
    local, domain = value.split("@")
    try:
        domain = domain.encode("idna").decode("ascii") if not domain.isascii() else domain
    except UnicodeError:
        domain = ""
    labels = domain.split(".")
    if (not _LOCAL.fullmatch(local) or len(local) > 64 or len(domain) > 253
            or not all(_LABEL.fullmatch(label) for label in labels)):
        raise ValueError(f"{field}: ikkje ei gyldig e-postadresse / not a plain address: {value!r}")
    return f"{local}@{domain}"


def calendar_method(calendar: bytes) -> str | None:
    """The METHOD of a VCALENDAR (upper case), or None when it has none."""
    found = _METHOD_LINE.findall(calendar)
    if len(found) != 1:
        return None
    return found[0].decode("ascii").upper()


def _address(name: str, address: str, field: str) -> Address:
    return Address(display_name=clean_header(name), addr_spec=check_address(address, field))


def compose(message: Composed) -> EmailMessage:
    """Build the MIME tree described in the module docstring; ValueError on bad input."""
    if message.date.tzinfo is None or message.date.utcoffset() is None:
        raise ValueError("date: must be timezone-aware")
    if not _MESSAGE_ID.fullmatch(message.message_id):
        raise ValueError(f"message_id: not of the form <key@domain>: {message.message_id!r}")
    method: str | None = None
    if message.calendar is not None:
        method = calendar_method(message.calendar)
        wanted = (message.calendar_method or "").upper()
        if method is None or method != wanted:
            raise ValueError(
                f"calendar_method: {message.calendar_method!r} does not match METHOD "
                f"{method!r} inside calendar")
    elif message.calendar_method is not None:
        raise ValueError("calendar_method: given without calendar")

    msg = EmailMessage(policy=SMTP)
    msg["From"] = _address(message.from_name, message.from_address, "from_address")
    msg["To"] = _address(message.to_name, message.to_address, "to_address")
    if message.reply_to is not None:
        msg["Reply-To"] = Address(addr_spec=check_address(message.reply_to, "reply_to"))
    msg["Subject"] = clean_header(message.subject)
    msg["Date"] = message.date
    msg["Message-ID"] = message.message_id
    msg["Auto-Submitted"] = "auto-generated"

    # Quoted-printable keeps the bodies 7-bit (no reliance on 8BITMIME) and readable.
    msg.set_content(message.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(message.html, subtype="html", charset="utf-8", cte="quoted-printable")
    if message.calendar is not None:
        assert method is not None
        # Bytes + base64: the VCALENDAR (CRLF lines, folded at 75 octets) arrives byte-exact.
        msg.add_alternative(message.calendar, maintype="text", subtype="calendar",
                            cte="base64", params={"method": method, "charset": "utf-8"})
    if message.calendar is not None or message.attachments:
        msg.make_mixed()
        _attach(msg, message)
    for part in msg.walk():
        if part is not msg:  # EmailMessage sub-parts each get one; only the top needs it
            del part["MIME-Version"]
        if part.is_multipart():
            part.set_boundary(_boundary())
    return msg


_BOUNDARY_FORMAT = "=" * 15 + f"%0{len(repr(sys.maxsize - 1))}d" + "=="


def _boundary() -> str:
    """A boundary as ``email.generator`` makes one. Given here, so that the generator does not
    compile a regular expression per boundary to search the whole text for it: no line of the
    parts can be one, because every part is quoted-printable (which writes "=" as "=3D") or
    base64 (which has no "-" and at most two "=")."""
    return _BOUNDARY_FORMAT % random.randrange(sys.maxsize)


def _attach(msg: EmailMessage, message: Composed) -> None:
    if message.calendar is not None:
        msg.add_attachment(message.calendar, maintype="application", subtype="ics",
                           filename="invite.ics", params={"name": "invite.ics"})
    for attachment in message.attachments:
        if not _TOKEN.fullmatch(attachment.content_type):
            raise ValueError(f"attachments: bad content_type {attachment.content_type!r}")
        maintype, subtype = attachment.content_type.lower().split("/")
        filename = clean_header(attachment.filename) or "vedlegg"
        msg.add_attachment(attachment.data, maintype=maintype, subtype=subtype,
                           filename=filename)


def as_bytes(msg: EmailMessage) -> bytes:
    """The message as SMTP-ready bytes: CRLF line endings, headers folded and RFC 2047-encoded."""
    return msg.as_bytes(policy=SMTP)
