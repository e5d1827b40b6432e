"""A real SMTP server in the test process (aiosmtpd), receiving what Django's SMTP backend sends.

    with SmtpSink() as sink:            # listens on 127.0.0.1 and a free port, in a thread
        settings.EMAIL_PORT = sink.port
        ...
        sink.wait_for(3)
        [mail] = sink.for_reminder(42)  # by the X-SmartWard-Reminder header

Modes: `sink.fail_next(n)` answers the next n messages with 451 (a transient refusal; the sender should try
again later); `sink.refuse(address)` answers RCPT TO with 550 for that address (a permanent refusal).
The fixture `smtp_sink` (tests/lms/reminders/conftest.py) points Django's settings at a sink;
bench/reminders.py runs one with `keep_content=False` (it counts reminder ids only).
"""

import email
import email.policy
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller

REMINDER_HEADER = re.compile(rb"^X-SmartWard-Reminder:\s*(\d+)\s*$", re.IGNORECASE | re.MULTILINE)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def reminder_id_of(content: bytes) -> int | None:
    """The X-SmartWard-Reminder header of a raw message (headers only; no full parse)."""
    head = content.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    found = REMINDER_HEADER.search(head)
    return int(found.group(1)) if found else None


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    reminder_id: int | None
    at: float
    _message: EmailMessage | None = field(default=None, repr=False)

    @property
    def message(self) -> EmailMessage:
        if self._message is None:
            self._message = email.message_from_bytes(self.content, policy=email.policy.default)
        return self._message

    @property
    def subject(self) -> str:
        # Python's email package folds a long encoded subject onto the next line ("Subject: \n =?utf-8?…")
        # and its parser keeps the fold's space; mail readers drop it.
        return str(self.message["Subject"]).strip()

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    def part(self, content_type: str) -> str:
        body = self.message.get_body(preferencelist=(content_type.split("/")[1],))
        return body.get_content() if body is not None else ""


class _Handler:
    def __init__(self, sink: "SmtpSink"):
        self.sink = sink

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        session.host_name = hostname
        with self.sink._lock:
            self.sink.sessions += 1
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.lower() in self.sink.refused:
            return "550 5.1.1 Recipient address rejected: no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        return self.sink._accept(envelope)


class SmtpSink:
    """An SMTP server on 127.0.0.1 that keeps every message it accepts (thread-safe)."""

    def __init__(self, host: str = "127.0.0.1", port: int | None = None, *, keep_content: bool = True):
        self.host, self.port = host, port or free_port(host)
        self.keep_content = keep_content
        self.received: list[Received] = []
        self.counts: dict[int, int] = {}  # reminder id → times received
        self.refused: set[str] = set()
        self.transient_left = 0
        self.transient_answered = 0
        self.sessions = 0  # SMTP sessions opened (EHLO), to see connections reused
        self._lock = threading.Lock()
        self._controller = Controller(_Handler(self), hostname=host, port=self.port, ready_timeout=10)

    # Modes

    def fail_next(self, n: int) -> None:
        """Answer the next n messages with 451 (try again later)."""
        with self._lock:
            self.transient_left = n

    def refuse(self, *addresses: str) -> None:
        """Answer RCPT TO with 550 (no such mailbox) for these addresses."""
        self.refused |= {a.lower() for a in addresses}

    # Server side

    def _accept(self, envelope) -> str:
        with self._lock:
            if self.transient_left > 0:
                self.transient_left -= 1
                self.transient_answered += 1
                return "451 4.3.0 Mailbox temporarily unavailable, try again later"
            content = envelope.original_content or envelope.content
            reminder_id = reminder_id_of(content)
            if reminder_id is not None:
                self.counts[reminder_id] = self.counts.get(reminder_id, 0) + 1
            self.received.append(
                Received(
                    mail_from=envelope.mail_from,
                    rcpt_tos=list(envelope.rcpt_tos),
                    content=content if self.keep_content else b"",
                    reminder_id=reminder_id,
                    at=time.monotonic(),
                )
            )
        return "250 2.0.0 Message accepted for delivery"

    # Test side

    def start(self) -> "SmtpSink":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> "SmtpSink":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.received)

    def messages(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def for_reminder(self, reminder_id: int) -> list[Received]:
        return [m for m in self.messages() if m.reminder_id == reminder_id]

    def duplicates(self) -> dict[int, int]:
        """Reminder ids received more than once, with how many times."""
        with self._lock:
            return {rid: n for rid, n in self.counts.items() if n > 1}

    def clear(self) -> None:
        with self._lock:
            self.received.clear()
            self.counts.clear()

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count >= count:
                return True
            time.sleep(0.02)
        return self.count >= count
