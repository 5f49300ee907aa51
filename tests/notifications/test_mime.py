"""One e-mail, composed and parsed back strictly: the MIME tree, Nynorsk headers, no injection."""

from __future__ import annotations

import email.policy
from dataclasses import replace
from datetime import datetime
from email.message import EmailMessage
from email.parser import BytesParser
from zoneinfo import ZoneInfo

import pytest

from notifications.mime import Attachment, Composed, as_bytes, compose

OSLO = ZoneInfo("Europe/Oslo")
COUNCIL = "Hallingdal interkommunale politiske råd"
SUBJECT = "Innkalling: Møte i Regionrådet, Ål"


def _calendar(method: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tingflyt//NN\r\n"
        f"METHOD:{method}\r\nBEGIN:VEVENT\r\nUID:rr-2026-08-27@tingflyt.no\r\n"
        "SUMMARY:Møte i Regionrådet\r\nLOCATION:Kommunehuset\\, Ål\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


BASE = Composed(
    message_id="<notice.rr-2026-08-27.kari@tingflyt.no>",
    from_name=COUNCIL,
    from_address="post@hallingdal.no",
    to_name="Kari Flå, Nesbyen",
    to_address="kari.fla@nesbyen.kommune.no",
    subject=SUBJECT,
    text="Møtet er i Ål kommunehus.\nSaksliste følgjer.\n",
    html="<p>Møtet er i <b>Ål</b> kommunehus.</p>",
    date=datetime(2026, 8, 13, 9, 30, tzinfo=OSLO),
)


def _parse(data: bytes) -> EmailMessage:
    parsed = BytesParser(policy=email.policy.strict).parsebytes(data)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _tree(part: EmailMessage) -> list:
    if part.is_multipart():
        return [part.get_content_type(), [_tree(p) for p in part.iter_parts()]]
    return part.get_content_type()


def test_plain_notice_is_one_alternative_with_nynorsk_headers() -> None:
    data = as_bytes(compose(BASE))
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert data.isascii()  # RFC 2047 headers, quoted-printable bodies: no 8BITMIME needed
    msg = _parse(data)
    assert _tree(msg) == ["multipart/alternative", ["text/plain", "text/html"]]
    assert msg["Subject"] == SUBJECT
    assert msg["From"].addresses[0].display_name == COUNCIL
    assert msg["From"].addresses[0].addr_spec == "post@hallingdal.no"
    assert msg["To"].addresses[0].display_name == "Kari Flå, Nesbyen"
    assert msg["To"].addresses[0].addr_spec == "kari.fla@nesbyen.kommune.no"
    assert msg["Message-ID"] == "<notice.rr-2026-08-27.kari@tingflyt.no>"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["MIME-Version"] == "1.0"
    assert msg["Date"].datetime == BASE.date
    assert "Reply-To" not in msg
    text, html = msg.iter_parts()
    assert text.get_content_charset() == "utf-8" and html.get_content_charset() == "utf-8"
    # Lines travel with CRLF (the SMTP policy); a reader normalises them
    assert text.get_content().replace("\r\n", "\n") == BASE.text
    assert "<b>Ål</b>" in html.get_content()


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_invitation_tree_and_method(method: str) -> None:
    pdf = Attachment("saksliste Ål.pdf", "application/pdf", b"%PDF-1.7 test")
    composed = replace(BASE, calendar=_calendar(method), calendar_method=method,
                       attachments=(pdf,), reply_to="sekretariat@hallingdal.no")
    msg = _parse(as_bytes(compose(composed)))
    assert _tree(msg) == ["multipart/mixed", [
        ["multipart/alternative", ["text/plain", "text/html", "text/calendar"]],
        "application/ics",
        "application/pdf",
    ]]
    alternative, ics, attached = msg.iter_parts()
    text, html, calendar = alternative.iter_parts()
    assert calendar.get_param("method") == method
    assert calendar.get_content_charset() == "utf-8"
    assert calendar.get_content_disposition() is None
    body = calendar.get_payload(decode=True)
    assert body == _calendar(method)  # byte-exact (base64), CRLF kept
    assert f"\r\nMETHOD:{method}\r\n".encode() in body
    assert ics.get_content_disposition() == "attachment"
    assert ics.get_filename() == "invite.ics"
    assert ics.get_payload(decode=True) == _calendar(method)
    assert attached.get_filename() == "saksliste Ål.pdf"
    assert attached.get_content() == b"%PDF-1.7 test"
    assert msg["Reply-To"].addresses[0].addr_spec == "sekretariat@hallingdal.no"
    assert msg["Subject"] == SUBJECT
    assert "Ål" in text.get_content() and "Ål" in html.get_content()
    # Only the top carries MIME-Version
    assert [p for p in msg.walk() if p is not msg and "MIME-Version" in p] == []


def test_header_injection_is_collapsed_not_obeyed() -> None:
    evil = replace(BASE, to_name="Kari\r\nBcc: evil@x", subject="Møte\r\nBcc: evil@x",
                   from_name="Rådet\nX-Evil: 1")
    data = as_bytes(compose(evil))
    msg = _parse(data)
    assert "Bcc" not in msg and "X-Evil" not in msg
    assert len(msg.get_all("To")) == 1
    assert msg["To"].addresses[0].addr_spec == "kari.fla@nesbyen.kommune.no"
    assert msg["To"].addresses[0].display_name == "Kari Bcc: evil@x"
    assert msg["Subject"] == "Møte Bcc: evil@x"
    assert b"\r\nBcc:" not in data


@pytest.mark.parametrize("field,value", [
    ("to_address", "kari@nesbyen.no\r\nBcc: evil@x"),
    ("to_address", "Kari <kari@nesbyen.no>"),
    ("to_address", "kari flå@nesbyen.no"),
    ("to_address", "kari@@nesbyen.no"),
    ("to_address", "kari"),
    ("from_address", "post@hallingdal.no>"),
    ("reply_to", "a@b.no, c@d.no"),
])
def test_bad_address_names_the_field(field: str, value: str) -> None:
    with pytest.raises(ValueError, match=field):
        compose(replace(BASE, **{field: value}))


def test_idn_domain_goes_out_as_punycode() -> None:
    msg = _parse(as_bytes(compose(replace(BASE, to_address="ola@ål.kommune.no"))))
    assert msg["To"].addresses[0].addr_spec == "ola@xn--l-1fa.kommune.no"


def test_calendar_method_must_match_the_body() -> None:
    with pytest.raises(ValueError, match="calendar_method"):
        compose(replace(BASE, calendar=_calendar("REQUEST"), calendar_method="CANCEL"))
    with pytest.raises(ValueError, match="calendar_method"):
        compose(replace(BASE, calendar=_calendar("REQUEST")))
    with pytest.raises(ValueError, match="calendar_method"):
        compose(replace(BASE, calendar_method="REQUEST"))


def test_naive_date_and_bad_message_id_are_refused() -> None:
    with pytest.raises(ValueError, match="date"):
        compose(replace(BASE, date=datetime(2026, 8, 13, 9, 30)))
    with pytest.raises(ValueError, match="message_id"):
        compose(replace(BASE, message_id="<a@b>\r\nBcc: x"))
    with pytest.raises(ValueError, match="message_id"):
        compose(replace(BASE, message_id="no-brackets@b"))
