"""Officials in the Wagtail admin: the list of the viewer's units, deactivation and the welcome email.

An HR manager sees and acts on the officials of the units they manage only; an account with a role beyond
learner is an administrator's to deactivate.
"""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from wagtail.admin import messages

from lms.http import post_required, problem

from .admin_forms import OfficialFilterForm
from .models import Official
from .permissions import MANAGE_ORGANISATION, permission_required
from .scope import is_administrator, may_change_login_data, scope_for
from .selectors import officials_list
from .services import official_deactivate, official_welcome_email_queue

PER_PAGE = 50

manager_required = permission_required(MANAGE_ORGANISATION)


def _is_protected(viewer, official: Official) -> bool:
    """An account with a role beyond learner: an HR manager may not deactivate it."""
    return not may_change_login_data(viewer, official.user)


def _official_in_scope(request, pk: int) -> Official:
    scope = scope_for(request.user)
    official = get_object_or_404(Official.objects.select_related("user", "unit", "position"), pk=pk)
    if not scope.covers(official.unit):
        raise Http404
    return official


@manager_required
def officials(request):
    form = OfficialFilterForm(request.GET or None, viewer=request.user)
    search, unit, status = "", None, "active"
    if form.is_bound and form.is_valid():
        search = form.cleaned_data["q"]
        unit = form.cleaned_data["unit"]
        status = form.cleaned_data["status"] or "active"
    paginator = Paginator(
        officials_list(viewer=request.user, search=search, unit=unit, status=status), PER_PAGE
    )
    page = paginator.get_page(request.GET.get("p"))
    return render(
        request,
        "people/admin/officials.html",
        {
            "form": form,
            "page": page,
            "elided_page_range": paginator.get_elided_page_range(page.number),
            "is_admin": is_administrator(request.user),
        },
    )


@manager_required
def official_deactivate_view(request, pk: int):
    official = _official_in_scope(request, pk)
    back = reverse("people_admin:officials")
    if official.user_id == request.user.pk:
        return problem(
            request, message=_("You cannot deactivate your own account."), status=403, back_url=back
        )
    if _is_protected(request.user, official):
        return problem(
            request,
            message=_(
                "This account has a role beyond learner (trainer, HR manager or administrator): only an "
                "administrator may change its email or deactivate it."
            ),
            status=403,
            back_url=back,
        )
    if request.method == "POST":
        if not official.user.is_active:
            messages.info(request, _("%(name)s was already deactivated.") % {"name": official.user})
        else:
            official_deactivate(official=official, by=request.user)
            messages.success(
                request,
                _("%(name)s (%(code)s) was deactivated: the account can no longer sign in.")
                % {"name": official.user, "code": official.employee_code},
            )
        return redirect(back)
    return render(request, "people/admin/official_deactivate.html", {"official": official})


@manager_required
@post_required
def official_welcome(request, pk: int):
    official = _official_in_scope(request, pk)
    user = official.user
    if not user.email or not user.is_active or user.has_usable_password():
        messages.error(
            request,
            _(
                "No email was sent: %(name)s has no email, is deactivated or has already chosen a password "
                "(they can use “Forgot password”)."
            )
            % {"name": user},
        )
    else:
        official_welcome_email_queue(user_ids=[user.pk])
        messages.success(
            request, _("The set-your-password email is on its way to %(email)s.") % {"email": user.email}
        )
    back = request.POST.get("next", "")
    # A path on this site only: `redirect` would take any other word for the name of a view (a 500).
    on_site = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    if not back.startswith("/") or not on_site:
        back = reverse("people_admin:officials")
    return HttpResponseRedirect(back)
