"""Reminder emails on the wire (lms.reminders.mail): the lean MIME writer `as_bytes`, checked by parsing its
output back with Python's email package, and `Outbox`, the SMTP dialogue split in start / end / finish,
checked against a real SMTP server in the test process (tests/smtp.py) and Django's in-memory backend.

None of these tests needs the database."""

import email
import email.header
import email.policy
import re
import smtplib
import time
from itertools import takewhile

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from lms.reminders.mail import Email, Outbox, _header_value, as_bytes

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


def make_email(**changes) -> Email:
    fields = {"to": TO, "subject": SUBJECT, "text": TEXT, "html": HTML, "headers": dict(HEADERS)}
    return Email(**{**fields, **changes})


def parse(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


def body(message: email.message.EmailMessage, subtype: str) -> str | None:
    """The text of a part, with the wire's CRLF line ends read as "\\n" (as a mail reader shows them)."""
    part = message.get_body(preferencelist=(subtype,))
    return None if part is None else part.get_content().replace("\r\n", "\n")


def head_of(data: bytes) -> bytes:
    return data.split(b"\r\n\r\n", 1)[0]


def transfer_encodings(data: bytes) -> list[str]:
    return re.findall(r"(?im)^Content-Transfer-Encoding: (\S+)\r$", data.decode("utf-8"))


# --- as_bytes: what a mail reader reads back


@pytest.mark.parametrize("eight_bit", [True, False], ids=["8bit", "base64"])
def test_a_message_with_text_and_html_reads_back_the_same(eight_bit):
    data = as_bytes(make_email(), from_header=FROM, eight_bit=eight_bit)
    message = parse(data)
    assert message.defects == []
    assert message["Subject"] == SUBJECT
    assert message["From"] == FROM
    assert message["To"] == TO
    assert message["MIME-Version"] == "1.0"
    assert message["Date"].datetime is not None
    for name, value in HEADERS.items():
        assert message[name] == value, name
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert all(part.get_content_charset() == "utf-8" for part in message.iter_parts())
    assert body(message, "plain") == TEXT
    assert body(message, "html") == HTML
    expected = "8bit" if eight_bit else "base64"
    assert transfer_encodings(data) == [expected, expected]


@pytest.mark.parametrize("eight_bit", [True, False], ids=["8bit", "base64"])
def test_a_message_without_html_is_a_single_plain_text_part(eight_bit):
    data = as_bytes(make_email(html=""), from_header=FROM, eight_bit=eight_bit)
    message = parse(data)
    assert message.defects == []
    assert not message.is_multipart()
    assert message.get_content_type() == "text/plain"
    assert b"multipart" not in data and b"boundary" not in data
    assert message["Subject"] == SUBJECT
    assert message["X-SmartWard-Reminder"] == "42"
    assert message["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert body(message, "plain") == TEXT
    assert body(message, "html") is None
    assert transfer_encodings(data) == ["8bit" if eight_bit else "base64"]


def test_a_text_without_a_final_line_break_keeps_its_last_line():
    for html in ("", "<p>x</p>"):
        message = parse(as_bytes(make_email(text="Một dòng\nhai dòng", html=html), from_header=FROM))
        assert body(message, "plain") == "Một dòng\nhai dòng"


@pytest.mark.parametrize("eight_bit", [True, False], ids=["8bit", "base64"])
@pytest.mark.parametrize("html", [HTML, ""], ids=["multipart", "text-only"])
def test_an_empty_text_reads_back_empty(eight_bit, html):
    message = parse(as_bytes(make_email(text="", html=html), from_header=FROM, eight_bit=eight_bit))
    assert message.defects == []
    assert body(message, "plain") == ""
    if html:
        assert body(message, "html") == HTML


def test_bare_carriage_returns_in_a_body_become_line_breaks():
    data = as_bytes(make_email(text="a\r\nb\rc\n", html=""), from_header=FROM)
    assert data.endswith(b"\r\n\r\na\r\nb\r\nc\r\n")
    assert body(parse(data), "plain") == "a\nb\nc\n"


def test_the_date_header_can_be_given():
    data = as_bytes(make_email(), from_header=FROM, date="Mon, 02 Mar 2026 10:00:00 +0700")
    assert b"\r\nDate: Mon, 02 Mar 2026 10:00:00 +0700\r\n" in data


def test_each_message_has_its_own_multipart_boundary():
    first, second = (as_bytes(make_email(), from_header=FROM, date="x") for _ in range(2))
    assert parse(first).get_boundary() != parse(second).get_boundary()


# --- as_bytes: line lengths and encoded words


def wire_lines(data: bytes) -> list[bytes]:
    """The physical lines, after checking that every line ends with CRLF (no bare CR or LF anywhere)."""
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    assert not any(b"\r" in line or b"\n" in line for line in lines)
    return lines


@pytest.mark.parametrize("eight_bit", [True, False], ids=["8bit", "base64"])
@pytest.mark.parametrize("html", [HTML, ""], ids=["multipart", "text-only"])
def test_every_line_ends_with_crlf_and_fits_the_998_octet_limit(eight_bit, html):
    long_line = "Tiếng Việt có dấu, " * 200  # about 4,600 octets on one line
    data = as_bytes(
        make_email(subject="Đ" * 250, text=TEXT + long_line + "\n", html=html + long_line + "\n"),
        from_header=FROM,
        eight_bit=eight_bit,
    )
    assert all(len(line) <= MAX_LINE for line in wire_lines(data))
    message = parse(data)
    assert message["Subject"] == "Đ" * 250
    assert body(message, "plain") == TEXT + long_line + "\n"
    if html:
        assert body(message, "html") == html + long_line + "\n"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("x" * MAX_LINE, "8bit"),  # exactly 998 octets: still fits
        ("x" * (MAX_LINE + 1), "base64"),
        ("ạ" * 333, "base64"),  # 333 characters but 999 octets: the limit counts octets
    ],
    ids=["998-octets", "999-octets", "999-octets-in-333-characters"],
)
def test_a_body_line_longer_than_998_octets_forces_base64_even_when_8bit_is_allowed(line, expected):
    text = f"Dòng đầu\n{line}\nDòng cuối\n"
    data = as_bytes(make_email(text=text, html=""), from_header=FROM, eight_bit=True)
    assert transfer_encodings(data) == [expected]
    assert all(len(line) <= MAX_LINE for line in wire_lines(data))
    assert body(parse(data), "plain") == text


def test_only_the_part_with_a_long_line_goes_base64():
    data = as_bytes(make_email(html="<p>" + "x" * 2000 + "</p>\n"), from_header=FROM, eight_bit=True)
    assert transfer_encodings(data) == ["8bit", "base64"]
    assert body(parse(data), "html") == "<p>" + "x" * 2000 + "</p>\n"


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
def test_a_non_ascii_subject_is_folded_into_encoded_words_of_at_most_75_characters(subject):
    data = as_bytes(make_email(subject=subject), from_header=FROM)
    head = head_of(data).decode("ascii")  # the whole header is ASCII
    words = ENCODED_WORD.findall(head)
    assert words and all(len(word) <= 75 for word in words)
    assert parse(data)["Subject"] == subject
    # the subject's lines: "Subject: " and one word, then one word on each folded line
    lines = head.split("\r\n")
    first = next(n for n, line in enumerate(lines) if line.startswith("Subject: "))
    folded = [lines[first].removeprefix("Subject: ")]
    folded += [line[1:] for line in takewhile(lambda line: line.startswith(" "), lines[first + 1 :])]
    assert all(ENCODED_WORD.fullmatch(word) for word in folded)
    assert len(folded) == len(words)
    # RFC 2047 section 2: a line that holds an encoded word, the header's name included, has at most 76
    assert all(len(line) <= 76 for line in lines[first : first + len(folded)])


def test_an_ascii_value_that_looks_like_an_encoded_word_is_encoded():
    value = "=?utf-8?b?SGk=?= from HR"
    assert _header_value(value) != value
    assert parse(as_bytes(make_email(subject=value), from_header=FROM))["Subject"] == value


def test_a_long_vietnamese_subject_takes_several_encoded_words():
    folded = _header_value(SUBJECT)
    words = folded.split("\r\n ")
    assert len(words) >= 4
    assert all(ENCODED_WORD.fullmatch(word) and len(word) <= 75 for word in words)
    # each word decodes on its own (no character is cut between two words)
    decoded = [email.header.decode_header(word)[0][0].decode("utf-8") for word in words]
    assert "".join(decoded) == SUBJECT


def test_an_ascii_header_value_is_left_alone():
    assert _header_value("Weekly overview: 3 courses") == "Weekly overview: 3 courses"
    data = as_bytes(make_email(subject="Weekly overview: 3 courses"), from_header=FROM)
    assert b"\r\nSubject: Weekly overview: 3 courses\r\n" in data
    assert ENCODED_WORD.search(head_of(data).decode()) is None


def test_non_ascii_extra_headers_are_encoded_too():
    data = as_bytes(make_email(headers={**HEADERS, "X-Unit": "Phường Bến Thành"}), from_header=FROM)
    assert parse(data)["X-Unit"] == "Phường Bến Thành"


@pytest.mark.parametrize(
    "value", ["Hello\r\nBcc: spy@evil.example", "Hello\nBcc: x@y", "Hello\rX", "Đến\nhạn"]
)
def test_a_line_break_in_a_header_value_is_refused(value):
    with pytest.raises(ValueError, match="line break"):
        _header_value(value)
    with pytest.raises(ValueError):
        as_bytes(make_email(subject=value), from_header=FROM)
    with pytest.raises(ValueError):
        as_bytes(make_email(headers={**HEADERS, "List-Unsubscribe": value}), from_header=FROM)


@pytest.mark.parametrize("field", ["to", "from_header"])
def test_a_line_break_in_the_recipient_or_the_sender_is_refused(field):
    injected = "hoc.vien@phuong.example\r\nBcc: spy@evil.example"
    with pytest.raises(ValueError, match="line break"):
        if field == "to":
            as_bytes(make_email(to=injected), from_header=FROM)
        else:
            as_bytes(make_email(), from_header=injected)


# --- Outbox over SMTP (a real server in the test process)


def sent(outbox: Outbox, message: Email) -> None:
    outbox.start(message)
    outbox.end()
    outbox.finish()


def test_start_end_finish_delivers_one_message(smtp_sink):
    outbox = Outbox()
    outbox.start(make_email())
    outbox.end()
    outbox.finish()
    [received] = smtp_sink.messages()
    assert received.mail_from == "no-reply@smartward.local"
    assert received.rcpt_tos == [TO]
    assert received.reminder_id == 42
    assert received.subject == SUBJECT
    assert received.message_id == "<reminder-42@smartward.local>"
    assert received.message["From"] == FROM
    assert received.message["To"] == TO
    assert received.message["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received.part("text/plain").replace("\r\n", "\n") == TEXT
    assert received.part("text/html").replace("\r\n", "\n") == HTML
    assert transfer_encodings(received.content) == ["8bit", "8bit"]  # the server offers 8BITMIME
    outbox.close()


def test_lines_beginning_with_a_dot_survive_the_smtp_data_phase(smtp_sink):
    """A lone "." would end the data early and a leading "." would be dropped without dot-stuffing."""
    text = ".\n.Dòng một\n..Dòng hai\n...\nDòng cuối\n.\n"
    outbox = Outbox()
    sent(outbox, make_email(text=text, html=".<p>HTML</p>\n."))
    sent(outbox, make_email(text=text, html=""))
    first, second = smtp_sink.messages()
    assert first.part("text/plain").replace("\r\n", "\n") == text
    assert first.part("text/html").replace("\r\n", "\n") == ".<p>HTML</p>\n."
    assert second.part("text/plain").replace("\r\n", "\n") == text
    outbox.close()


def test_the_message_goes_only_when_end_sends_the_final_dot(smtp_sink):
    outbox = Outbox()
    outbox.start(make_email())
    assert smtp_sink.count == 0  # the server has all the data but the final "."
    outbox.end()
    outbox.finish()
    assert smtp_sink.count == 1
    outbox.end()  # nothing more to end or to read
    outbox.finish()
    assert smtp_sink.count == 1
    outbox.close()


def test_one_connection_carries_many_messages(smtp_sink):
    outbox = Outbox()
    outbox.open()
    for n in range(3):
        sent(
            outbox,
            make_email(to=f"canbo{n}@phuong.example", headers={**HEADERS, "X-SmartWard-Reminder": str(n)}),
        )
    outbox.close()
    assert smtp_sink.sessions == 1
    assert [m.reminder_id for m in smtp_sink.messages()] == [0, 1, 2]
    assert [m.rcpt_tos for m in smtp_sink.messages()] == [[f"canbo{n}@phuong.example"] for n in range(3)]


def test_start_opens_the_connection_again_after_close(smtp_sink):
    outbox = Outbox()
    sent(outbox, make_email())
    outbox.close()
    sent(outbox, make_email())
    outbox.close()
    assert (smtp_sink.count, smtp_sink.sessions) == (2, 2)


def test_a_refused_recipient_raises_and_the_same_outbox_sends_the_next_message(smtp_sink):
    smtp_sink.refuse("khong.ton.tai@phuong.example")
    outbox = Outbox()
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        outbox.start(make_email(to="khong.ton.tai@phuong.example"))
    [(code, _reply)] = refused.value.recipients.values()
    assert code == 550
    outbox.end()  # nothing was started: no-ops
    outbox.finish()
    # Without a RSET the server would still hold the refused transaction and answer the next MAIL with 503.
    sent(outbox, make_email())
    outbox.close()
    [received] = smtp_sink.messages()
    assert received.rcpt_tos == [TO]
    assert smtp_sink.sessions == 1


@pytest.mark.parametrize(
    ("command", "error"),
    [("mail", smtplib.SMTPSenderRefused), ("data", smtplib.SMTPDataError)],
)
def test_a_refused_mail_or_data_command_raises_and_resets_the_transaction(
    smtp_sink, monkeypatch, command, error
):
    outbox = Outbox()
    outbox.open()
    smtp = outbox.backend.connection
    real_docmd, refusals, resets = smtp.docmd, [command], []

    def docmd(cmd, args=""):
        if refusals and cmd == refusals[0]:
            refusals.pop()
            real_docmd("noop")  # keep the server in step; the refusal is made up here
            return 554, b"5.7.1 Refused for the test"
        return real_docmd(cmd, args)

    monkeypatch.setattr(smtp, "docmd", docmd)
    monkeypatch.setattr(smtp, "rset", lambda: resets.append(1) or real_docmd("rset"))
    with pytest.raises(error) as refused:
        outbox.start(make_email())
    assert refused.value.smtp_code == 554
    assert resets == [1]
    sent(outbox, make_email())
    outbox.close()
    assert (smtp_sink.count, smtp_sink.sessions) == (1, 1)


def test_a_refusal_after_the_data_raises_in_finish_and_nothing_is_stored(smtp_sink):
    smtp_sink.fail_next(1)
    outbox = Outbox()
    outbox.start(make_email())
    outbox.end()
    with pytest.raises(smtplib.SMTPDataError) as refused:
        outbox.finish()
    assert refused.value.smtp_code == 451
    assert smtp_sink.count == 0 and smtp_sink.transient_answered == 1
    # the transaction is over: the same connection takes the next message
    sent(outbox, make_email())
    outbox.close()
    assert (smtp_sink.count, smtp_sink.sessions) == (1, 1)


def test_without_8bitmime_the_bodies_go_in_base64(smtp_sink, monkeypatch):
    outbox = Outbox()
    outbox.open()
    smtp = outbox.backend.connection
    smtp.ehlo()
    del smtp.esmtp_features["8bitmime"]  # as if the server had not offered it
    commands = []
    real_docmd = smtp.docmd
    monkeypatch.setattr(
        smtp, "docmd", lambda cmd, args="": commands.append((cmd, args)) or real_docmd(cmd, args)
    )
    sent(outbox, make_email())
    outbox.close()
    assert commands[0] == ("mail", "FROM:<no-reply@smartward.local>")  # no BODY=8BITMIME
    [received] = smtp_sink.messages()
    assert transfer_encodings(received.content) == ["base64", "base64"]
    assert received.content.isascii()
    assert received.part("text/plain") == TEXT
    assert received.part("text/html") == HTML


def test_a_sender_name_with_diacritics_is_encoded_and_the_envelope_has_the_bare_address(smtp_sink, settings):
    settings.DEFAULT_FROM_EMAIL = "Học viện Phường thông minh <no-reply@smartward.local>"
    outbox = Outbox()
    sent(outbox, make_email())
    outbox.close()
    [received] = smtp_sink.messages()
    assert received.mail_from == "no-reply@smartward.local"
    assert received.message["From"].addresses[0].display_name == "Học viện Phường thông minh"
    assert received.message["From"].addresses[0].addr_spec == "no-reply@smartward.local"
    assert head_of(received.content).isascii()


def test_an_internationalised_domain_goes_through_djangos_own_path(smtp_sink):
    """Django encodes the domain with IDNA (punycode) for the envelope and the To header; the message goes
    whole in `start`, and the connection stays open for the next (ASCII) message."""
    ace = "a@" + "phường.vn".encode("idna").decode("ascii")
    outbox = Outbox()
    outbox.start(make_email(to="a@phường.vn"))
    assert smtp_sink.count == 1  # sent in full already
    outbox.end()
    outbox.finish()
    sent(outbox, make_email(headers={**HEADERS, "X-SmartWard-Reminder": "43"}))
    outbox.close()
    idn, ascii_ = smtp_sink.messages()
    assert idn.rcpt_tos == [ace]
    assert idn.message["To"] == ace
    assert idn.reminder_id == 42
    assert idn.subject == SUBJECT
    assert idn.message_id == "<reminder-42@smartward.local>"
    # Python's email package (Django's writer) folds this long header before its value; its parser keeps
    # the fold's space
    assert idn.message["List-Unsubscribe"].strip() == f"<{UNSUBSCRIBE}>"
    assert idn.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert idn.part("text/plain").replace("\r\n", "\n") == TEXT
    assert idn.part("text/html").replace("\r\n", "\n") == HTML
    assert ascii_.reminder_id == 43
    assert smtp_sink.sessions == 1


def test_a_refused_internationalised_address_raises_the_same_error(smtp_sink):
    smtp_sink.refuse("a@" + "phường.vn".encode("idna").decode("ascii"))
    outbox = Outbox()
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        outbox.start(make_email(to="a@phường.vn"))
    sent(outbox, make_email())
    outbox.close()
    assert [m.rcpt_tos for m in smtp_sink.messages()] == [[TO]]


def test_a_recipient_with_a_line_break_is_refused_before_mail_from_and_the_next_message_goes(smtp_sink):
    """The message is written (and refused) before the dialogue starts: no transaction is left open, which
    would make the server answer the next MAIL with 503."""
    outbox = Outbox()
    with pytest.raises(ValueError):
        outbox.start(make_email(to="x@phuong.example\r\nBcc: spy@evil.example"))
    sent(outbox, make_email())
    outbox.close()
    assert [m.rcpt_tos for m in smtp_sink.messages()] == [[TO]]
    assert smtp_sink.sessions == 1


def test_closing_between_start_and_end_drops_the_message_without_waiting(smtp_sink, settings):
    """A QUIT in the middle of the data would be read by the server as a line of the message, and the reply
    awaited until EMAIL_TIMEOUT; the socket is dropped instead, and the unfinished message discarded."""
    settings.EMAIL_TIMEOUT = 2
    outbox = Outbox()
    outbox.start(make_email())
    began = time.monotonic()
    outbox.close()
    assert time.monotonic() - began < 1
    assert outbox.backend.connection is None
    sent(outbox, make_email(headers={**HEADERS, "X-SmartWard-Reminder": "43"}))  # on a new connection
    outbox.close()
    assert [m.reminder_id for m in smtp_sink.messages()] == [43]  # the first never got its final "."
    assert smtp_sink.sessions == 2


def test_closing_after_end_before_finish_keeps_the_message(smtp_sink):
    outbox = Outbox()
    outbox.start(make_email())
    outbox.end()
    outbox.close()  # QUIT reads the message's reply first: by then the server has stored it
    assert smtp_sink.count == 1


# --- Outbox with another backend (Django's in-memory one, the default in tests)


@pytest.mark.parametrize("html", [HTML, ""], ids=["with-html", "text-only"])
def test_other_backends_get_djangos_message_in_start(html):
    outbox = Outbox()
    outbox.start(make_email(html=html))
    [sent_mail] = mail.outbox
    assert isinstance(sent_mail, EmailMultiAlternatives)
    assert sent_mail.to == [TO]
    assert sent_mail.subject == SUBJECT
    assert sent_mail.body == TEXT
    assert sent_mail.alternatives == ([(HTML, "text/html")] if html else [])
    assert sent_mail.extra_headers == HEADERS
    outbox.end()
    outbox.finish()
    outbox.close()
    assert len(mail.outbox) == 1


def test_djangos_message_refuses_a_line_break_in_the_subject_too():
    with pytest.raises(ValueError):
        Outbox().start(make_email(subject="Hello\nBcc: spy@evil.example"))
    assert mail.outbox == []
