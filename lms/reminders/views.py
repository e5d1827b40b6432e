"""The notification centre, email preferences and the public unsubscribe link."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from lms.http import post_required, problem

from . import selectors, services
from .forms import PreferenceForm
from .messages import unsubscribe_read
from .models import OPTIONAL_KINDS, Kind

PER_PAGE = 20


@login_required
@require_GET
def inbox(request):
    page = Paginator(selectors.notifications_for(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reminders/inbox.html", {"page_obj": page})


@login_required
@post_required
def mark_all_read(request):
    count = services.notifications_read_all(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("reminders:inbox")


def safe_target(url: str) -> str | None:
    """The notification's link if it stays on this site: a relative path, or an address under our own base
    URL. Anything else (another host, `//host`, `javascript:`) is None."""
    url = (url or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        same = (parts.scheme, parts.netloc.lower()) == (base.scheme, base.netloc.lower())
        return url if same and url_has_allowed_host_and_scheme(url, allowed_hosts={base.netloc}) else None
    return url if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=set()) else None


@login_required
@require_GET
def open_notification(request, pk: int):
    """Opening a notification marks it read and follows its link (only to this site)."""
    notification = services.notification_read(user=request.user, notification_id=pk)
    if notification is None:
        return problem(
            request,
            title=_("Notification not found"),
            message=_("There is no such notification among yours."),
            status=404,
        )
    target = safe_target(notification.url)
    if target is None:
        return redirect("reminders:inbox")
    return redirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    preference = selectors.preference_for(request.user)
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            try:
                services.preference_update(
                    user=request.user,
                    muted_kinds=form.cleaned_data["muted_kinds"],
                    mandatory_in_digest=form.cleaned_data["mandatory_in_digest"],
                )
            except services.ReminderError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your email preferences are saved."))
                return redirect("reminders:preferences")
    else:
        form = PreferenceForm(
            initial={
                "muted_kinds": [k for k in preference.muted_kinds if k in OPTIONAL_KINDS],
                "mandatory_in_digest": preference.mandatory_in_digest,
            }
        )
    return render(
        request,
        "reminders/preferences.html",
        {"form": form, "mandatory_kinds": selectors.mandatory_kinds()},
    )


def _no_index(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@csrf_exempt  # RFC 8058: mail providers POST "List-Unsubscribe=One-Click" without a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """Public: the signed token is the proof. GET explains, POST applies to the token's person only."""
    found = unsubscribe_read(token)
    if found is None:
        return _no_index(
            problem(
                request,
                title=_("This unsubscribe link is not valid"),
                message=_(
                    "The link is damaged or too old. Nothing was changed. Sign in and open your email "
                    "preferences to choose which emails you receive."
                ),
                status=400,
            )
        )
    user_id, kind = found
    context = {
        "kind": Kind(kind),
        "optional": kind in OPTIONAL_KINDS,
        "token": token,
        "done": None,
    }
    if request.method == "POST":
        try:
            context["done"] = services.unsubscribe_apply(user_id=user_id, kind=kind)
        except services.ReminderError as error:
            return _no_index(
                problem(
                    request, title=_("This unsubscribe link is not valid"), message=error.message, status=400
                )
            )
    return _no_index(render(request, "reminders/unsubscribe.html", context))
