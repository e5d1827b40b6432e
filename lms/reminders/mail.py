"""Reminder emails on the wire: one SMTP connection per batch, and the order of sending and committing.

`Outbox` sends through the configured email backend. With Django's SMTP backend it writes the message itself
(`as_bytes`: a lean MIME writer, several times cheaper than Python's email package, which was a third of a
worker's time in bench/reminders.py) and speaks the SMTP dialogue in three steps, so that delivery can mark
the reminder sent between them (services.carry_out):

    outbox.start(email)   MAIL FROM, RCPT TO, DATA (the server now waits for the message)
    outbox.end()          the message and its final "." in one write: from here the server has it
    (the UPDATE that marks the reminder sent is written at once, and commits on its own)
    outbox.finish()       reads the server's reply; a refusal raises smtplib.SMTPDataError

A worker killed after the final "." and before its UPDATE reached the database would leave the reminder
pending with its message delivered, and the message would go again (same Message-ID). The two writes follow
each other directly, so that window is a few microseconds, instead of the server's whole processing of the
message and the commit when the mark waited for the reply. The price: a refusal at the very end of the
dialogue (after the data) is recorded by a second statement that turns the mark back. Any other backend
(console, file, memory in tests) gets Django's own EmailMultiAlternatives in `start`.
"""

import base64
import contextlib
import re
import secrets
import smtplib
import socket
from dataclasses import dataclass
from email.utils import formatdate, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address

CRLF = b"\r\n"
MAX_LINE = 998  # octets, RFC 5322 2.1.1
WORD_BYTES = 45  # UTF-8 octets in one RFC 2047 encoded word: 60 base64 characters, 75 with its markers
LINE_WITH_WORDS = 76  # characters at most on a header line that holds an encoded word


@dataclass(frozen=True)
class Email:
    """What one reminder email carries; `headers` are the extra ones (Message-ID, List-Unsubscribe, …)."""

    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str]

    def django(self, connection=None) -> EmailMultiAlternatives:
        email = EmailMultiAlternatives(
            subject=self.subject, body=self.text, to=[self.to], connection=connection, headers=self.headers
        )
        if self.html:
            email.attach_alternative(self.html, "text/html")
        return email


def _unbroken(value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError("A header value cannot contain a line break.")
    return value


def _header_value(value: str, *, name: str = "") -> str:
    """A header value as ASCII: unchanged when it is ASCII, else RFC 2047 base64 words split between
    characters, one word a line, none longer than 76 characters with what precedes it on its line (RFC 2047
    section 2; `name` is the header's name, before the first word)."""
    if _unbroken(value).isascii() and "=?" not in value:  # text that looks like an encoded word is encoded
        return value
    words, chunk, size = [], [], 0
    room = (LINE_WITH_WORDS - len(name) - len(": ") - len("=?utf-8?b??=")) // 4 * 3  # on the first line
    for char in value:
        width = len(char.encode())
        if size + width > room and chunk:
            words.append("".join(chunk))
            chunk, size, room = [], 0, WORD_BYTES
        chunk.append(char)
        size += width
    words.append("".join(chunk))
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(w.encode()).decode()}?=" for w in words)


def _body(text: str, subtype: str, *, eight_bit: bool) -> bytes:
    raw = text.replace("\r\n", "\n").replace("\r", "\n").encode()
    head = f'Content-Type: text/{subtype}; charset="utf-8"\r\nContent-Transfer-Encoding: '.encode()
    if eight_bit and all(len(line) <= MAX_LINE for line in raw.split(b"\n")):
        return head + b"8bit\r\n\r\n" + raw.replace(b"\n", CRLF)
    return head + b"base64\r\n\r\n" + base64.encodebytes(raw).replace(b"\n", CRLF)


def as_bytes(email: Email, *, from_header: str, eight_bit: bool = True, date: str | None = None) -> bytes:
    """The message as sent: headers, then the plain text alone or text and HTML as multipart/alternative,
    UTF-8, 8bit when the server takes it (and no line is too long), base64 otherwise."""
    lines = [
        f"From: {_unbroken(from_header)}",  # sanitize_address has encoded it
        f"To: {_header_value(email.to)}",
        f"Subject: {_header_value(email.subject, name='Subject')}",
        f"Date: {date or formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}",
        "MIME-Version: 1.0",
    ]
    lines += [f"{name}: {_header_value(value, name=name)}" for name, value in email.headers.items()]
    if not email.html:
        return "\r\n".join(lines).encode() + CRLF + _body(email.text, "plain", eight_bit=eight_bit)
    boundary = "=_sw_" + secrets.token_hex(12)
    lines.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
    mark = f"--{boundary}\r\n".encode()
    return b"".join(
        [
            "\r\n".join(lines).encode(),
            CRLF + CRLF,
            mark,
            _body(email.text, "plain", eight_bit=eight_bit),
            CRLF,
            mark,
            _body(email.html, "html", eight_bit=eight_bit),
            CRLF,
            f"--{boundary}--\r\n".encode(),
        ]
    )


LEADING_DOT = re.compile(rb"(?m)^\.")


class Outbox:
    """The email connection of a batch of reminders (see the module's docstring)."""

    def __init__(self, connection=None):
        self.backend = connection or get_connection()
        self._data: bytes | None = None  # the message `start` made ready for `end`
        self._tuned = None  # the socket set to TCP_NODELAY
        self.from_email = sanitize_address(settings.DEFAULT_FROM_EMAIL, "utf-8")
        self.envelope_from = parseaddr(self.from_email)[1]
        self._replying = False

    def open(self) -> None:
        self.backend.open()

    def close(self) -> None:
        """Close the connection. Between `start` and `end` (the server waits for the data) the socket is
        dropped without QUIT, which the server would take for a line of the message: it discards the
        unfinished message."""
        if self._data is not None and self.backend.connection is not None:
            with contextlib.suppress(OSError):
                self.backend.connection.close()
            self.backend.connection = None
        self._data, self._replying = None, False
        self.backend.close()

    @property
    def _smtp(self) -> smtplib.SMTP | None:
        if isinstance(self.backend, SmtpBackend):
            if self.backend.connection is None:
                self.backend.open()
            return self.backend.connection
        return None

    def start(self, email: Email) -> None:
        """Open the message (SMTP: MAIL, RCPT and DATA, the data made ready for `end`), or send it whole
        (other backends). Raises smtplib.SMTPException or OSError when the server refuses or cannot be
        reached."""
        smtp = self._smtp
        if smtp is None or not email.to.isascii():  # an internationalised address: Django's path encodes it
            email.django(self.backend).send()
            return
        if smtp.sock is not None and smtp.sock is not self._tuned:
            # The message goes out as a write of its own right after DATA's reply: with Nagle's algorithm it
            # could wait for the acknowledgement of the previous write (up to 40 ms of delayed ACK on Linux).
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._tuned = smtp.sock
        smtp.ehlo_or_helo_if_needed()
        from_email = self.from_email
        eight_bit = smtp.has_extn("8bitmime")
        data = as_bytes(email, from_header=from_email, eight_bit=eight_bit)
        # MAIL and RCPT as smtplib's mail() and rcpt() send them, with addresses parsed once (the sender) or
        # already validated (the recipient, ASCII here)
        code, reply = smtp.docmd(
            "mail", f"FROM:<{self.envelope_from}>" + (" BODY=8BITMIME" if eight_bit else "")
        )
        if code != 250:
            self._reset(smtp)
            raise smtplib.SMTPSenderRefused(code, reply, from_email)
        code, reply = smtp.docmd("rcpt", f"TO:<{email.to}>")
        if code not in (250, 251):
            self._reset(smtp)
            raise smtplib.SMTPRecipientsRefused({email.to: (code, reply)})
        code, reply = smtp.docmd("data")
        if code != 354:
            self._reset(smtp)
            raise smtplib.SMTPDataError(code, reply)
        data = LEADING_DOT.sub(b"..", data)
        self._data = (data if data.endswith(CRLF) else data + CRLF) + b"." + CRLF

    def end(self) -> None:
        """Send the message's data and its final "." in one write: from here the server has the message.
        Nothing to do for other backends."""
        if self._data is not None:
            data, self._data = self._data, None
            self.backend.connection.send(data)
            self._replying = True

    def finish(self) -> None:
        """Read the server's answer to the message (nothing to do for other backends)."""
        if not self._replying:
            return
        self._replying = False
        code, reply = self.backend.connection.getreply()
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)

    @staticmethod
    def _reset(smtp: smtplib.SMTP) -> None:
        with contextlib.suppress(smtplib.SMTPException, OSError):  # the refusal is what gets reported
            smtp.rset()
