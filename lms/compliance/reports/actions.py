"""Acting on the overdue list and a person's page: exempt selected people (here, through
`services.obligation_exempt`) or remind them (through the reminders app's nudge confirmation, whose URL that
app registers: `compliance` never imports `reminders`).

Both take the selected obligations (`obligations`) and the page to come back to (`next`), show a confirmation
first and act only on a second POST with `confirm`. The viewer's scope is checked again when acting: an
obligation outside it, or no longer open, is left out and counted.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from lms.people.permissions import allows, require
from lms.validation import IdListField

from .. import services
from ..selectors import obligations_visible

REPORTS = "compliance.view_reports"
EXEMPT = "compliance.manage_assignments"  # what services.obligation_exempt asks for

_remind = {"url_name": None}


def remind_action_register(*, url_name: str) -> None:
    """The view that reminds selected people (it takes `obligations`, `next` and, to send, `confirm`).
    Registered by the reminders app in its AppConfig.ready; without it the lists offer no reminder."""
    _remind["url_name"] = url_name


def remind_url() -> str | None:
    name = _remind["url_name"]
    if not name:
        return None
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def action_context(request) -> dict:
    """What a page with the actions needs: the two URLs, whether the viewer may exempt, the way back."""
    return {
        "remind_url": remind_url(),
        "exempt_url": reverse("compliance_reports:exempt"),
        "can_exempt": allows(request.user, EXEMPT),
        "next_url": request.get_full_path(),
    }


def safe_next(request, default: str) -> str:
    """The `next` page if it is a path on this site, else `default`."""
    target = (request.POST.get("next") or "").strip()
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


class ExemptForm(forms.Form):
    obligations = IdListField(error_messages={"required": gettext_lazy("Select at least one person.")})
    reason = forms.CharField(
        label=gettext_lazy("Reason for the exemption"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Kept with the exemption and shown in the reports, e.g. trained elsewhere."),
    )


@require_POST
def exempt(request):
    """First POST: the selected people and a reason field. POST with `confirm`: exempt each of them."""
    require(request.user, REPORTS)
    if not allows(request.user, EXEMPT):
        raise PermissionDenied
    back = safe_next(request, reverse("compliance_reports:index"))
    form = ExemptForm(request.POST)
    if not form.is_valid() and "obligations" in form.errors:
        for error in form.errors["obligations"]:
            messages.error(request, error)
        return redirect(back)
    ids = form.cleaned_data["obligations"]
    rows = list(
        obligations_visible(request.user)
        .filter(pk__in=ids, exempt_at__isnull=True)
        .select_related("user", "course", "unit")
        .order_by("unit__path", "due_at", "pk")
    )
    status = 200
    if request.POST.get("confirm") == "1":
        reason = (form.cleaned_data.get("reason") or "").strip()
        if not reason:
            form.add_error("reason", _("Give the reason for the exemption."))
            status = 400
        else:
            _exempt_all(request, rows=rows, reason=reason, selected=len(ids))
            return redirect(back)
    return TemplateResponse(
        request,
        "compliance/exempt_confirm.html",
        {"form": form, "rows": rows, "ignored": len(ids) - len(rows), "next_url": back},
        status=status,
    )


def _exempt_all(request, *, rows, reason: str, selected: int) -> None:
    done, failed = 0, []
    for obligation in rows:
        try:
            services.obligation_exempt(by=request.user, obligation=obligation, reason=reason)
        except services.ComplianceError as error:  # exempted meanwhile by someone else, or out of scope now
            failed.append(f"{obligation.user.get_full_name()}: {error.message}")
        else:
            done += 1
    if done:
        messages.success(
            request,
            ngettext(
                "%(count)s person is now exempt.",
                "%(count)s people are now exempt.",
                done,
            )
            % {"count": done},
        )
    left_out = selected - done - len(failed)
    for text in failed:
        messages.warning(request, text)
    if left_out:
        messages.warning(
            request,
            ngettext(
                "%(count)s selected person was left out: already exempt, or not in the units you manage.",
                "%(count)s selected people were left out: already exempt, or not in the units you manage.",
                left_out,
            )
            % {"count": left_out},
        )
