"""What a reminder says: subject, plain text, HTML and the link to act on, in Vietnamese.

The wording per kind is here (translated); the layout is the templates `reminders/email/message.txt|html`.
An administrator's `EmailTemplate` for the kind replaces subject and bodies; it is rendered with the same
context (person, course, due, days, lines, action_url, rows, unsubscribe_url, …).
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import ACTION_LABELS, EmailTemplate, Kind, Reminder

UNSUBSCRIBE_SALT = "reminders.unsubscribe"


@dataclass
class Message:
    subject: str
    text: str
    html: str
    url: str  # absolute, for the email
    unsubscribe_url: str
    rows: list = field(default_factory=list)
    path: str = ""  # the same link relative to the site, for the notification centre
    short: str = ""  # the notification centre's text: the message's paragraphs, without greeting or links


def absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def site_path(url: str) -> str:
    """A link as a path on this site ("/khoa-hoc/…"), whatever address the site is reached by: the in-app
    notification's link, never built from SITE_URL (which may not be the address the person uses)."""
    parts = urlsplit(url or "/")
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    return path + query + (f"#{parts.fragment}" if parts.fragment else "")


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str, max_age_days: int = 365) -> tuple[int, str] | None:
    """The (user id, kind) a link was made for, or None when it was tampered with or is too old."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=max_age_days * 86400)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in Kind.values or not isinstance(data.get("u"), int):
        return None
    return data["u"], data["k"]


def _day(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT") if moment else ""


def _course_url(course) -> str:
    url = course.get_url() if course is not None else None
    return absolute(site_path(url or "/"))


def _overdue_line(title: dict, days_late: int) -> str:
    return ngettext(
        "The mandatory course “%(course)s” was due on %(due)s: it is %(days)s day overdue.",
        "The mandatory course “%(course)s” was due on %(due)s: it is %(days)s days overdue.",
        days_late,
    ) % {**title, "days": days_late}


def _lines(
    reminder: Reminder, *, course_title: str, due: str, days_late: int, sender: str = ""
) -> tuple[str, list[str], str]:
    """Subject, paragraphs and the label of the button, per kind. A due date already past is worded as
    overdue ("đã quá hạn 10 ngày"), never as a date to finish by."""
    title = {"course": course_title, "due": due}
    kind = reminder.kind
    action = str(ACTION_LABELS.get(kind, ACTION_LABELS[Kind.DIGEST]))
    late = days_late > 0 and kind != Kind.COMPLETED
    finish = [_overdue_line(title, days_late), _("Please complete it as soon as you can.")] if late else None
    if kind == Kind.ASSIGNED:
        return (
            _("New mandatory course: %(course)s") % title,
            [_("You have been assigned the mandatory course “%(course)s”.") % title]
            + (finish or [_("Please complete it by %(due)s.") % title]),
            action,
        )
    if kind == Kind.EXPIRING:
        return (
            _("Time to renew: %(course)s") % title,
            [_("Your completion of “%(course)s” is about to lose its validity.") % title]
            + (finish or [_("Please take the course again by %(due)s.") % title]),
            action,
        )
    if kind == Kind.DUE_SOON:
        return (
            _("%(days)s days left: %(course)s") % {**title, "days": reminder.offset},
            finish or [_("The mandatory course “%(course)s” is due on %(due)s.") % title],
            action,
        )
    if kind == Kind.DUE_TODAY:
        return (
            _("Due today: %(course)s") % title,
            finish or [_("Today is the last day to complete the mandatory course “%(course)s”.") % title],
            action,
        )
    if kind == Kind.OVERDUE:
        return (
            _("Overdue: %(course)s") % title,
            finish or [_("Please complete the mandatory course “%(course)s” as soon as you can.") % title],
            action,
        )
    if kind == Kind.COMPLETED:
        return (
            _("Completed: %(course)s") % title,
            [_("You have completed the mandatory course “%(course)s”. Well done!") % title],
            action,
        )
    if kind == Kind.NUDGE:
        return (
            _("A reminder from %(sender)s: %(course)s") % {**title, "sender": sender}
            if sender
            else _("A reminder from your HR manager: %(course)s") % title,
            finish or [_("Please complete the mandatory course “%(course)s” by %(due)s.") % title],
            action,
        )
    return (
        _("Weekly overview of mandatory training"),
        [_("These mandatory courses are overdue or waiting for you.")],
        action,
    )


def _certificate_url(*, user_id: int, course_id: int) -> str | None:
    from lms.certificates.models import Certificate

    certificate = (
        Certificate.objects.filter(user_id=user_id, course_id=course_id, revoked_at__isnull=True)
        .order_by("-issued_at")
        .first()
    )
    return absolute(reverse("certificates:download", args=[certificate.code])) if certificate else None


# Stand-ins for the two values that differ between people who get the same built-in message (see Composer).
# Characters of Unicode's private use area: escaping leaves them alone and no template produces them.
MARK = "\ue000"
PERSON_MARK = "\ue000person\ue000"
UNSUBSCRIBE_MARK = "\ue000unsubscribe\ue000"


class Composer:
    """Makes the messages of a batch of reminders.

    With the built-in templates, people who get the same message but for their name and unsubscribe link
    (the same kind, course, due date, sender, …) share one rendering: it is rendered once with marks in place
    of the name and the link, and each person's copy replaces the marks (escaped for HTML, as the template
    would). An administrator's template, a digest, and a message whose own text contains the marks' character
    (a name, a course title, a sender's note) are rendered for each person in full. `templates` are
    the stored EmailTemplates by kind when the caller read them already; None reads each kind's when needed.
    """

    def __init__(self, *, now=None, templates: dict | None = None):
        self.now = now or timezone.now()
        self.templates = templates
        self._shared: dict[tuple, tuple[str, str, str]] = {}
        self._course_urls: dict[int, str] = {}

    @cached_property
    def _unsubscribe_parts(self) -> tuple[str, str]:
        prefix, suffix = absolute(reverse("reminders:unsubscribe", args=["TOKEN"])).split("TOKEN")
        return prefix, suffix

    def _unsubscribe_url(self, token: str) -> str:
        prefix, suffix = self._unsubscribe_parts
        return prefix + token + suffix  # a signed token has only URL-safe characters (base64url and ':')

    @cached_property
    def _preferences_url(self) -> str:
        return absolute(reverse("reminders:preferences"))

    def _custom(self, kind: str) -> EmailTemplate | None:
        if self.templates is None:
            return EmailTemplate.objects.filter(kind=kind).first()
        return self.templates.get(kind)

    def _course_url(self, course) -> str:
        if course is None:
            return _course_url(None)
        if course.pk not in self._course_urls:
            self._course_urls[course.pk] = _course_url(course)
        return self._course_urls[course.pk]

    def message(self, reminder: Reminder, *, rows: list | None = None, template: EmailTemplate | None = None):
        """The message of a reminder. `rows` are the lines of a digest (see selectors.digest_rows);
        `template` replaces the kind's stored EmailTemplate (the admin's preview of an unsaved edit)."""
        now = self.now
        with translation.override(settings.LANGUAGE_CODE):
            obligation = reminder.obligation
            course = obligation.course.specific if obligation is not None else None
            course_title = course.title if course is not None else ""
            due_at = obligation.due_at if obligation is not None else None
            days_late = (timezone.localdate(now) - timezone.localdate(due_at)).days if due_at else 0
            sender = reminder.created_by.get_full_name() if reminder.created_by else ""
            subject, lines, action = _lines(
                reminder, course_title=course_title, due=_day(due_at), days_late=days_late, sender=sender
            )
            if reminder.kind == Kind.DIGEST:
                url = absolute(reverse("reminders:inbox"))
            elif reminder.kind == Kind.COMPLETED and obligation is not None:
                url = _certificate_url(
                    user_id=reminder.recipient_id, course_id=obligation.course_id
                ) or self._course_url(course)
            else:
                url = self._course_url(course)
            person = reminder.recipient.get_full_name()
            unsubscribe_url = self._unsubscribe_url(
                unsubscribe_token(user_id=reminder.recipient_id, kind=reminder.kind)
            )
            custom = template if template is not None else self._custom(reminder.kind)
            own = (person, course_title, sender, reminder.message, url, action, *lines)
            shared = custom is None and reminder.kind != Kind.DIGEST and not any(MARK in str(v) for v in own)
            context = {
                "person": PERSON_MARK if shared else person,
                "course": course_title,
                "due": _day(due_at),
                "days": reminder.offset,
                "days_late": days_late,
                "lines": lines,
                "message": reminder.message,
                "sender": sender,
                "action": action,
                "action_url": url,
                "rows": rows or [],
                "unsubscribe_url": UNSUBSCRIBE_MARK if shared else unsubscribe_url,
                "preferences_url": self._preferences_url,
                "site_name": _("SmartWard Learn"),
            }
            if custom is not None:
                subject = Template(custom.subject).render(Context(context, autoescape=False))
                text = Template(custom.text_body).render(Context(context, autoescape=False))
                html = Template(custom.html_body).render(Context(context)) if custom.html_body else ""
            elif shared:
                key = (reminder.kind, course.pk if course else None, due_at, reminder.offset, days_late)
                key += (sender, reminder.message, url)
                if key not in self._shared:
                    self._shared[key] = (
                        subject,
                        render_to_string("reminders/email/message.txt", context),
                        render_to_string("reminders/email/message.html", context),
                    )
                subject, text, html = self._shared[key]
                text = text.replace(PERSON_MARK, person).replace(UNSUBSCRIBE_MARK, unsubscribe_url)
                html = html.replace(PERSON_MARK, escape(person))
                html = html.replace(UNSUBSCRIBE_MARK, escape(unsubscribe_url))
            else:
                text = render_to_string("reminders/email/message.txt", context)
                html = render_to_string("reminders/email/message.html", context)
            short = " ".join(str(line) for line in lines)
            if reminder.message:
                short += "\n\n" + (f"“{reminder.message}” — {sender}" if sender else f"“{reminder.message}”")
        return Message(
            subject=" ".join(subject.split())[:250],
            text=text,
            html=html,
            url=url,
            unsubscribe_url=unsubscribe_url,
            rows=rows or [],
            path=site_path(url),
            short=short,
        )


def render(
    reminder: Reminder,
    *,
    rows: list | None = None,
    now=None,
    template: EmailTemplate | None = None,
    templates: dict | None = None,
) -> Message:
    """The message of one reminder (see Composer.message)."""
    return Composer(now=now, templates=templates).message(reminder, rows=rows, template=template)


def reminder_email(*, reminder_id: int, to: str, message: Message) -> EmailMultiAlternatives:
    """A reminder's email: plain text and HTML (when the message has it), its own Message-ID (the same at
    every attempt, so that mail systems recognise a copy), the unsubscribe headers of RFC 8058 and the
    reminder's id for operators (X-SmartWard-Reminder)."""
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        to=[to],
        headers={
            "Message-ID": f"<reminder-{reminder_id}@{settings.REMINDER_MESSAGE_DOMAIN}>",
            "List-Unsubscribe": f"<{message.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-SmartWard-Reminder": str(reminder_id),
        },
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    return email
