"""Reminders in the Wagtail admin: "send again" for failed reminders, the email templates' overview and
preview, the operations status (administrators), and the confirmation step of nudges (HR managers and
trainers). The two lists — every reminder, and the people one may remind — are Wagtail index views
(admin_lists.py); its viewset routes these pages too, under the namespace `reminders_admin`.

Who may open them is decided by the permission policies below, through lms/people/permissions.py:
`reminders.operate_reminders` for administrators' pages (no units needed), and `selectors.can_nudge` for
nudges (HR managers with units, or the trainers of a course). Wagtail's admin login applies as well.
"""

from functools import wraps
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.template import TemplateSyntaxError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.permissions import register_permission_policy

from lms.compliance.models import Obligation
from lms.people.permissions import ScopedPermissionPolicy, permission_required
from lms.validation import IdListField

from . import delivery, planning, scheduling, selectors, services, tasks
from .forms import TEMPLATE_VARIABLES, NudgeForm
from .messages import render
from .models import EmailTemplate, Kind, Reminder
from .selectors import NUDGE, OPERATE

# Permissions ---------------------------------------------------------------------------------------------


class NudgePermissionPolicy(ScopedPermissionPolicy):
    """Nudging is not only HR's: HR managers with units, or the trainers of a course (`selectors.can_nudge`:
    the permission, and units in scope or a course they train). Which people is the views' business
    (`selectors.obligations_nudgeable`)."""

    def __init__(self, model):
        super().__init__(model, permission=NUDGE, units=False)

    def user_has_permission(self, user, action):
        return selectors.can_nudge(user)

    def user_has_any_permission(self, user, actions):
        return selectors.can_nudge(user)


OPERATE_POLICY = ScopedPermissionPolicy(Reminder, permission=OPERATE, units=False)
NUDGE_POLICY = NudgePermissionPolicy(Obligation)  # given to the nudge views; Obligation's own is compliance's
register_permission_policy(Reminder, OPERATE_POLICY)


operator_required = permission_required(OPERATE, units=False)


def nudger_required(view):
    """A view decorator: `NUDGE_POLICY` lets the person in, else PermissionDenied (Wagtail's refusal)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not NUDGE_POLICY.user_has_permission(request.user, "add"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _queue(ids) -> None:
    for reminder_id in ids:
        tasks.reminder_deliver_task.delay(reminder_id)


# Reminders and "send again" ------------------------------------------------------------------------------


@operator_required
@require_http_methods(["GET", "POST"])
def retry(request):
    """GET: confirm sending the selected failed reminders again. POST: do it and queue them."""
    field = IdListField(required=False)
    try:
        ids = field.clean(
            request.POST.getlist("ids") if request.method == "POST" else request.GET.getlist("ids")
        )
    except ValidationError:  # a damaged selection is the same as none
        ids = []
    failed = list(
        Reminder.objects.filter(pk__in=ids, state=Reminder.State.FAILED)
        .select_related("recipient", "obligation__course")
        .order_by("pk")
    )
    if not failed:
        messages.warning(request, _("Select at least one failed reminder to send again."))
        return redirect(reverse("reminders_admin:index") + "?state=failed")
    if request.method == "POST":
        failed_ids = [r.pk for r in failed]
        count = delivery.failed_reminders_retry(reminder_ids=failed_ids, by=request.user)
        now = timezone.now()
        ready = scheduling.reminders_claim(now=now, filters=Q(pk__in=failed_ids))
        _queue(ready)
        messages.success(
            request,
            ngettext(
                "%(count)s reminder will be sent again.",
                "%(count)s reminders will be sent again.",
                count,
            )
            % {"count": count},
        )
        if count and not ready:
            messages.info(request, _("It is quiet hours now: they will go out at 07:00."))
        return redirect(reverse("reminders_admin:index") + "?state=failed")
    return TemplateResponse(request, "reminders/admin/retry.html", {"reminders": failed})


# Email templates ----------------------------------------------------------------------------------------


def _snippet_url(name: str, *args) -> str:
    """A URL of the email templates' snippet views (registered in wagtail_hooks)."""
    return reverse(EmailTemplate.snippet_viewset.get_url_name(name), args=args)


@operator_required
@require_GET
def templates(request):
    custom = {t.kind: t for t in EmailTemplate.objects.all()}
    rows = [
        SimpleNamespace(
            kind=kind,
            custom=custom.get(kind.value),
            edit_url=_snippet_url("edit", custom[kind.value].pk) if kind.value in custom else None,
            preview_url=reverse("reminders_admin:preview", args=[kind.value]),
        )
        for kind in Kind
    ]
    return TemplateResponse(
        request,
        "reminders/admin/templates.html",
        {"rows": rows, "add_url": _snippet_url("add"), "variables": TEMPLATE_VARIABLES},
    )


SAMPLE_ROWS = [
    {
        "name": "Nguyễn Văn An",
        "unit": "Phường Bến Thành",
        "course": "Cải cách hành chính",
        "due": "01/03/2025",
        "days_late": 9,
        "email": "an.nguyen@phuong.example",
        "phone": "0901234567",
    }
]


def sample_reminder(kind: str, user) -> Reminder:
    """An unsaved reminder of this kind for the administrator, about the latest open obligation (if any)."""
    obligation = (
        Obligation.objects.filter(is_current=True)
        .select_related("course")
        .order_by("-opened_at", "-pk")
        .first()
    )
    reminder = Reminder(
        kind=kind,
        recipient=user,
        obligation=obligation if kind != Kind.DIGEST else None,
        cycle=getattr(obligation, "cycle", 1),
        offset=3 if kind == Kind.DUE_SOON else 0,
        period="preview",
    )
    if kind == Kind.NUDGE:
        reminder.created_by = user
        reminder.message = _("Please finish this course before the ward meeting.")
    return reminder


@operator_required
@require_GET
def preview(request, kind: str):
    """The message of this kind as it would be sent now (the saved template, or the built-in one)."""
    if kind not in Kind.values:
        raise Http404
    reminder = sample_reminder(kind, request.user)
    error = ""
    message = None
    try:
        message = render(reminder, rows=SAMPLE_ROWS if kind == Kind.DIGEST else None)
    except TemplateSyntaxError as exc:
        error = str(exc)
    custom = EmailTemplate.objects.filter(kind=kind).first()
    return TemplateResponse(
        request,
        "reminders/admin/preview.html",
        {
            "kind": Kind(kind),
            "custom": custom,
            "edit_url": _snippet_url("edit", custom.pk) if custom else None,
            "email": message,
            "error": error,
        },
    )


# Operations ---------------------------------------------------------------------------------------------


@operator_required
@require_GET
def ops(request):
    status = selectors.ops_status()
    return TemplateResponse(
        request,
        "reminders/admin/ops.html",
        {
            "status": status,
            "interval_minutes": int(status.interval.total_seconds() // 60),
            "quiet": planning.quiet_until(status.now),
        },
    )


# Nudges -------------------------------------------------------------------------------------------------


@nudger_required
@require_POST
def nudge_confirm(request):
    """The people selected in the nudge list (admin_lists.NudgeIndexView). First POST: show who will be
    reminded. POST with `confirm`: send (scheduling.obligations_nudge)."""
    form = NudgeForm(request.POST)
    back = _nudge_back(request)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    ids = form.cleaned_data["obligations"]
    message = form.cleaned_data["message"]
    now = timezone.now()
    if request.POST.get("confirm") == "1":
        try:
            sent, refused = scheduling.obligations_nudge(
                by=request.user, obligation_ids=ids, message=message, now=now
            )
        except services.ReminderError as error:
            raise PermissionDenied(error.message) from error
        _queue(sent)
        created = len(ids) - refused
        messages.success(
            request,
            ngettext("%(count)s reminder is on its way.", "%(count)s reminders are on their way.", created)
            % {"count": created},
        )
        if created and planning.quiet_until(now) is not None:
            messages.info(
                request,
                _(
                    "It is quiet hours now: the reminders are in the people's notification centre already; "
                    "the emails will go out at 07:00."
                ),
            )
        if refused:
            messages.warning(
                request,
                ngettext(
                    "%(count)s person was not reminded: already reminded today, or no longer open for you.",
                    "%(count)s people were not reminded: already reminded today, or no longer open for you.",
                    refused,
                )
                % {"count": refused},
            )
        return redirect(back)
    rows = list(selectors.nudge_candidates(request.user, now=now).filter(pk__in=ids))
    return TemplateResponse(
        request,
        "reminders/admin/nudge_confirm.html",
        {
            "rows": rows,
            "ids": [row.pk for row in rows],
            "message": message,
            "ignored": len(ids) - len(rows),
            "will_send": sum(1 for row in rows if not row.nudged_today),
            "now": now,
            "next_url": back,
        },
    )


def _nudge_back(request) -> str:
    """Where the nudge goes back to: the page that sent the selection (`next`: the HR reports' overdue list or
    a person's page), if it is a path on this site; else the nudge list."""
    target = (request.POST.get("next") or "").strip()
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("reminders_admin:nudge")
