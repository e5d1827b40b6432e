"""Reminder emails on the wire (`messages.reminder_email`, `delivery.email_send` of lms.reminders), sent
through Django's email API to a real SMTP server in the test process (tests/smtp.py) and read back with
Python's email package: the headers (RFC 2047 subjects, Message-ID, unsubscribe), the bodies (8bit, or
encoded when a line is too long or the server lacks 8BITMIME), header injection refused, one connection for
many messages, and the server's refusals told apart (4xx: try again later; 5xx: for good).

None of these tests needs the database."""

import email
import email.header
import email.policy
import re
import smtplib

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, get_connection

from lms.reminders.delivery import _permanent, email_send
from lms.reminders.messages import Message, reminder_email

FROM = "SmartWard Learn <no-reply@smartward.local>"
TO = "hoc.vien@phuong.example"
SUBJECT = (
    "Đến hạn hôm nay: Chuyển đổi số cho cán bộ phường và kỹ năng số cơ bản — "
    "ôn tập, kiểm tra cuối khóa và cấp chứng chỉ năm 2026"
)
TEXT = (
    "Kính gửi đồng chí Nguyễn Thị Học Viên,\n"
    "\n"
    "Hôm nay là ngày cuối cùng để hoàn thành khóa học bắt buộc “Chuyển đổi số cho cán bộ phường”.\n"
    ".Dòng này bắt đầu bằng một dấu chấm.\n"
    ".\n"
    "..Hai dấu chấm.\n"
    "\n"
    "--\n"
    "Học viện Phường thông minh\n"
)
HTML = (
    "<!doctype html>\n"
    '<html lang="vi"><body>\n'
    "<p>Kính gửi đồng chí Nguyễn Thị Học Viên,</p>\n"
    ".<p>Một dòng HTML bắt đầu bằng dấu chấm.</p>\n"
    '<p><a href="https://hoc.phuong.example/khoa-hoc/">Tiếp tục khóa học</a></p>\n'
    "</body></html>\n"
)
UNSUBSCRIBE = "https://hoc.phuong.example/thong-bao/huy-dang-ky/eyJ1Ijo0MiwiayI6ImR1ZV90b2RheSJ9:1vXyZq:abc/"
HEADERS = {
    "Message-ID": "<reminder-42@smartward.local>",
    "List-Unsubscribe": f"<{UNSUBSCRIBE}>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    "X-SmartWard-Reminder": "42",
}
MAX_LINE = 998  # octets, RFC 5322 2.1.1
ENCODED_WORD = re.compile(r"=\?utf-8\?b\?[A-Za-z0-9+/=]*\?=")


def make_email(reminder_id: int = 42, to: str = TO, **changes) -> EmailMultiAlternatives:
    fields = {"subject": SUBJECT, "text": TEXT, "html": HTML, "url": "", "unsubscribe_url": UNSUBSCRIBE}
    return reminder_email(reminder_id=reminder_id, to=to, message=Message(**{**fields, **changes}))


def parse(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


def body(message: email.message.EmailMessage, subtype: str) -> str | None:
    """The text of a part, with the wire's CRLF line ends read as "\\n" (as a mail reader shows them)."""
    part = message.get_body(preferencelist=(subtype,))
    return None if part is None else part.get_content().replace("\r\n", "\n")


def head_of(data: bytes) -> bytes:
    return data.split(b"\r\n\r\n", 1)[0]


def transfer_encodings(data: bytes) -> list[str]:
    return re.findall(r"(?im)^Content-Transfer-Encoding: (\S+)\r?$", data.decode("utf-8"))


def wire_lines(data: bytes) -> list[bytes]:
    """The physical lines, after checking that every line ends with CRLF (no bare CR or LF anywhere)."""
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    assert not any(b"\r" in line or b"\n" in line for line in lines)
    return lines


def delivered(smtp_sink, message: EmailMultiAlternatives) -> bytes:
    """Send one message on a new connection and return it as the server received it."""
    before = smtp_sink.count
    with get_connection() as connection:
        email_send(message, connection=connection)
    assert smtp_sink.count == before + 1
    return smtp_sink.messages()[-1].content


# --- The message as the server receives it


def test_a_message_with_text_and_html_reads_back_the_same_and_goes_8bit(smtp_sink):
    with get_connection() as connection:
        email_send(make_email(), connection=connection)
    [received] = smtp_sink.messages()
    assert received.mail_from == "no-reply@smartward.local"
    assert received.rcpt_tos == [TO]
    message = received.message
    assert message.defects == []
    assert received.subject == SUBJECT
    assert message["From"] == FROM
    assert message["To"] == TO
    assert message["MIME-Version"] == "1.0"
    assert message["Date"].datetime is not None
    for name, value in HEADERS.items():
        assert str(message[name]).strip() == value, name  # our Message-ID, not one Django makes up
    assert received.reminder_id == 42
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert all(part.get_content_charset() == "utf-8" for part in message.iter_parts())
    assert body(message, "plain") == TEXT
    assert body(message, "html") == HTML
    assert transfer_encodings(received.content) == ["8bit", "8bit"]  # the server offers 8BITMIME
    assert head_of(received.content).isascii()


def test_a_message_without_html_is_a_single_plain_text_part(smtp_sink):
    message = parse(delivered(smtp_sink, make_email(html="")))
    assert message.defects == []
    assert not message.is_multipart()
    assert message.get_content_type() == "text/plain"
    assert message["X-SmartWard-Reminder"] == "42"
    assert body(message, "plain") == TEXT
    assert body(message, "html") is None


def test_a_text_without_a_final_line_break_keeps_its_last_line(smtp_sink):
    for html in ("", "<p>x</p>"):
        message = parse(delivered(smtp_sink, make_email(text="Một dòng\nhai dòng", html=html)))
        assert body(message, "plain").rstrip("\n") == "Một dòng\nhai dòng"


@pytest.mark.parametrize("html", [HTML, ""], ids=["multipart", "text-only"])
def test_an_empty_text_reads_back_empty(smtp_sink, html):
    message = parse(delivered(smtp_sink, make_email(text="", html=html)))
    assert message.defects == []
    assert (body(message, "plain") or "").strip() == ""  # Django leaves an empty text part out
    if html:
        assert body(message, "html") == HTML


def test_bare_carriage_returns_in_a_body_become_line_breaks(smtp_sink):
    data = delivered(smtp_sink, make_email(text="a\r\nb\rc\n", html=""))
    wire_lines(data)
    assert body(parse(data), "plain") == "a\nb\nc\n"


def test_each_message_has_its_own_multipart_boundary(smtp_sink):
    first, second = (parse(delivered(smtp_sink, make_email())) for _ in range(2))
    assert first.get_boundary() != second.get_boundary()


def test_lines_beginning_with_a_dot_survive_the_smtp_data_phase(smtp_sink):
    """A lone "." would end the data early and a leading "." would be dropped without dot-stuffing."""
    text = ".\n.Dòng một\n..Dòng hai\n...\nDòng cuối\n.\n"
    first = parse(delivered(smtp_sink, make_email(text=text, html=".<p>HTML</p>\n.")))
    second = parse(delivered(smtp_sink, make_email(text=text, html="")))
    assert body(first, "plain") == text
    assert body(first, "html").rstrip("\n") == ".<p>HTML</p>\n."
    assert body(second, "plain") == text


# --- Line lengths and encodings


@pytest.mark.parametrize("html", [HTML, ""], ids=["multipart", "text-only"])
def test_every_line_ends_with_crlf_and_fits_the_998_octet_limit(smtp_sink, html):
    long_line = "Tiếng Việt có dấu, " * 200  # about 4,600 octets on one line
    data = delivered(
        smtp_sink, make_email(subject="Đ" * 250, text=TEXT + long_line + "\n", html=html and html + long_line)
    )
    assert all(len(line) <= MAX_LINE for line in wire_lines(data))
    message = parse(data)
    assert str(message["Subject"]).strip() == "Đ" * 250
    assert body(message, "plain") == TEXT + long_line + "\n"
    if html:
        assert body(message, "html").rstrip("\n") == html + long_line


@pytest.mark.parametrize(
    ("line", "encoded"),
    [
        ("x" * MAX_LINE, False),  # exactly 998 octets: still fits
        ("x" * (MAX_LINE + 1), True),
        ("ạ" * 333, True),  # 333 characters but 999 octets: the limit counts octets
    ],
    ids=["998-octets", "999-octets", "999-octets-in-333-characters"],
)
def test_a_body_line_longer_than_998_octets_is_encoded_even_when_8bit_is_allowed(smtp_sink, line, encoded):
    text = f"Dòng đầu\n{line}\nDòng cuối\n"
    data = delivered(smtp_sink, make_email(text=text, html=""))
    assert transfer_encodings(data) == (["quoted-printable"] if encoded else ["8bit"])
    assert all(len(wire) <= MAX_LINE for wire in wire_lines(data))
    assert body(parse(data), "plain") == text


def test_only_the_part_with_a_long_line_is_encoded(smtp_sink):
    data = delivered(smtp_sink, make_email(html="<p>" + "x" * 2000 + "</p>\n"))
    assert transfer_encodings(data) == ["8bit", "quoted-printable"]
    assert body(parse(data), "html") == "<p>" + "x" * 2000 + "</p>\n"


def test_without_8bitmime_the_bodies_go_in_base64(smtp_sink, monkeypatch):
    with get_connection() as connection:
        connection.connection.ehlo()
        del connection.connection.esmtp_features["8bitmime"]  # as if the server had not offered it
        email_send(make_email(), connection=connection)
    [received] = smtp_sink.messages()
    assert transfer_encodings(received.content) == ["base64", "base64"]
    assert received.content.isascii()
    assert received.subject == SUBJECT
    assert body(received.message, "plain") == TEXT
    assert body(received.message, "html") == HTML


@pytest.mark.parametrize(
    "subject",
    [
        SUBJECT,
        "Đ" * 250,  # two-octet characters
        "Nhắc nhở " + "📚✅" * 40,  # four- and three-octet characters: words split between characters
        "Khóa học: An toàn thông tin – năm 2026",  # one non-ASCII character makes the whole value encoded
    ],
    ids=["vietnamese", "two-octets", "four-octets", "mostly-ascii"],
)
def test_a_non_ascii_subject_is_folded_into_encoded_words_on_short_lines(smtp_sink, subject):
    """RFC 2047 encoded words (Python's email package writes them up to 76 characters, one more than RFC 2047
    section 2 allows, which every mail reader decodes), one a line, no subject line over 78 characters."""
    data = delivered(smtp_sink, make_email(subject=subject))
    head = head_of(data).decode("ascii")  # the whole header is ASCII
    assert str(parse(data)["Subject"]).strip() == subject
    lines = head.split("\r\n")
    first = next(n for n, line in enumerate(lines) if line.startswith("Subject:"))
    folded = [lines[first].removeprefix("Subject:").strip()]
    for line in lines[first + 1 :]:
        if not line.startswith(" "):
            break
        folded.append(line[1:])
    folded = [word for word in folded if word]
    assert folded and all(ENCODED_WORD.fullmatch(word) and len(word) <= 76 for word in folded)
    assert all(len(line) <= 78 for line in lines[first : first + len(folded) + 1])  # RFC 5322 2.1.1


def test_a_long_vietnamese_subject_takes_several_encoded_words_each_decoding_on_its_own(smtp_sink):
    words = ENCODED_WORD.findall(head_of(delivered(smtp_sink, make_email())).decode("ascii"))
    assert len(words) >= 4
    decoded = [email.header.decode_header(word)[0][0].decode("utf-8") for word in words]
    assert "".join(decoded) == SUBJECT  # no character is cut between two words


def test_an_ascii_subject_is_left_alone(smtp_sink):
    data = delivered(smtp_sink, make_email(subject="Weekly overview: 3 courses"))
    assert b"\r\nSubject: Weekly overview: 3 courses\r\n" in data
    assert ENCODED_WORD.search(head_of(data).decode()) is None


def test_a_sender_name_with_diacritics_is_encoded_and_the_envelope_has_the_bare_address(smtp_sink, settings):
    settings.DEFAULT_FROM_EMAIL = "Học viện Phường thông minh <no-reply@smartward.local>"
    [received] = [parse(delivered(smtp_sink, make_email()))]
    assert smtp_sink.messages()[0].mail_from == "no-reply@smartward.local"
    assert received["From"].addresses[0].display_name == "Học viện Phường thông minh"
    assert received["From"].addresses[0].addr_spec == "no-reply@smartward.local"
    assert head_of(smtp_sink.messages()[0].content).isascii()


def test_an_internationalised_domain_is_sent_in_punycode(smtp_sink):
    ace = "a@" + "phường.vn".encode("idna").decode("ascii")
    with get_connection() as connection:
        email_send(make_email(to="a@phường.vn"), connection=connection)
        email_send(make_email(reminder_id=43), connection=connection)
    idn, ascii_ = smtp_sink.messages()
    assert idn.rcpt_tos == [ace]
    assert idn.message["To"] == ace
    assert idn.reminder_id == 42 and idn.message_id == "<reminder-42@smartward.local>"
    assert ascii_.reminder_id == 43
    assert smtp_sink.sessions == 1


# --- Header injection


@pytest.mark.parametrize(
    "value", ["Hello\r\nBcc: spy@evil.example", "Hello\nBcc: x@y", "Hello\rX", "Đến\nhạn"]
)
def test_a_line_break_in_the_subject_or_a_header_is_refused_and_nothing_goes(smtp_sink, value):
    with get_connection() as connection:
        with pytest.raises(ValueError):
            email_send(make_email(subject=value), connection=connection)
        with pytest.raises(ValueError):
            email_send(make_email(unsubscribe_url=value), connection=connection)
        email_send(make_email(reminder_id=43), connection=connection)  # the connection goes on
    assert [m.reminder_id for m in smtp_sink.messages()] == [43]


def test_a_recipient_with_a_line_break_is_refused_before_mail_from_and_the_next_message_goes(smtp_sink):
    """The message is refused before the dialogue starts: no transaction is left open, which would make the
    server answer the next MAIL with 503."""
    with get_connection() as connection:
        with pytest.raises(ValueError):
            email_send(make_email(to="x@phuong.example\r\nBcc: spy@evil.example"), connection=connection)
        email_send(make_email(), connection=connection)
    assert [m.rcpt_tos for m in smtp_sink.messages()] == [[TO]]
    assert smtp_sink.sessions == 1


def test_a_sender_with_a_line_break_is_refused(smtp_sink, settings):
    settings.DEFAULT_FROM_EMAIL = "no-reply@smartward.local\r\nBcc: spy@evil.example"
    with get_connection() as connection, pytest.raises(ValueError):
        email_send(make_email(), connection=connection)
    assert smtp_sink.count == 0


# --- One connection, and what the server answers


def test_one_connection_carries_many_messages(smtp_sink):
    with get_connection() as connection:
        for n in range(3):
            email_send(make_email(reminder_id=n, to=f"canbo{n}@phuong.example"), connection=connection)
    assert smtp_sink.sessions == 1
    assert [m.reminder_id for m in smtp_sink.messages()] == [0, 1, 2]
    assert [m.rcpt_tos for m in smtp_sink.messages()] == [[f"canbo{n}@phuong.example"] for n in range(3)]


def test_email_send_opens_the_connection_again_after_close(smtp_sink):
    connection = get_connection()
    email_send(make_email(), connection=connection)
    connection.close()
    email_send(make_email(), connection=connection)
    connection.close()
    assert (smtp_sink.count, smtp_sink.sessions) == (2, 2)


def test_a_refused_recipient_is_permanent_and_the_same_connection_sends_the_next_message(smtp_sink):
    smtp_sink.refuse("khong.ton.tai@phuong.example")
    with get_connection() as connection:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            email_send(make_email(to="khong.ton.tai@phuong.example"), connection=connection)
        # smtplib resets the transaction: the server does not answer the next MAIL with 503
        email_send(make_email(), connection=connection)
    [(code, _reply)] = refused.value.recipients.values()
    assert code == 550 and _permanent(refused.value)
    assert [m.rcpt_tos for m in smtp_sink.messages()] == [[TO]]
    assert smtp_sink.sessions == 1


def test_a_refused_internationalised_address_raises_the_same_error(smtp_sink):
    smtp_sink.refuse("a@" + "phường.vn".encode("idna").decode("ascii"))
    with get_connection() as connection:
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            email_send(make_email(to="a@phường.vn"), connection=connection)
        email_send(make_email(), connection=connection)
    assert [m.rcpt_tos for m in smtp_sink.messages()] == [[TO]]


def test_a_refusal_after_the_data_is_transient_and_nothing_is_stored(smtp_sink):
    smtp_sink.fail_next(1)
    with get_connection() as connection:
        with pytest.raises(smtplib.SMTPDataError) as refused:
            email_send(make_email(), connection=connection)
        assert smtp_sink.count == 0 and smtp_sink.transient_answered == 1
        email_send(make_email(), connection=connection)  # the transaction is over: the same connection
    assert refused.value.smtp_code == 451 and not _permanent(refused.value)
    assert (smtp_sink.count, smtp_sink.sessions) == (1, 1)


@pytest.mark.parametrize(
    ("command", "code", "error", "permanent"),
    [
        ("mail", 554, smtplib.SMTPSenderRefused, True),
        ("mail", 421, smtplib.SMTPSenderRefused, False),
        ("rcpt", 550, smtplib.SMTPRecipientsRefused, True),
        ("rcpt", 450, smtplib.SMTPRecipientsRefused, False),  # greylisting: try again later
        ("data", 554, smtplib.SMTPDataError, True),
        ("data", 451, smtplib.SMTPDataError, False),
    ],
)
def test_a_4xx_answer_is_transient_and_a_5xx_answer_permanent(
    smtp_sink, monkeypatch, command, code, error, permanent
):
    with get_connection() as connection:
        connection.open()
        smtp = connection.connection
        refuse = lambda *args, **kwargs: (code, b"Refused for the test")  # noqa: E731 — sends nothing
        monkeypatch.setattr(smtp, command, refuse)
        with pytest.raises(error) as refused:
            email_send(make_email(), connection=connection)
    assert _permanent(refused.value) is permanent
    assert smtp_sink.count == 0


def test_a_server_that_cannot_be_reached_raises_os_error(settings):
    from tests.smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    with pytest.raises(OSError) as down:
        email_send(make_email(), connection=get_connection())
    assert not _permanent(down.value)


# --- Another backend (Django's in-memory one, the default in tests)


@pytest.mark.parametrize("html", [HTML, ""], ids=["with-html", "text-only"])
def test_other_backends_get_the_same_message(html):
    email_send(make_email(html=html), connection=get_connection())
    [sent_mail] = mail.outbox
    assert isinstance(sent_mail, EmailMultiAlternatives)
    assert sent_mail.to == [TO]
    assert sent_mail.subject == SUBJECT
    assert sent_mail.body == TEXT
    assert sent_mail.alternatives == ([(HTML, "text/html")] if html else [])
    assert sent_mail.extra_headers == HEADERS


def test_djangos_message_refuses_a_line_break_in_the_subject_with_any_backend():
    with pytest.raises(ValueError):
        email_send(make_email(subject="Hello\nBcc: spy@evil.example"), connection=get_connection())
    assert mail.outbox == []
