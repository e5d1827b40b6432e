from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lms.http import problem

from .forms import ProfileForm
from .models import Official
from .selectors import user_role_labels
from .services import (
    EmailChangeNeedsOwner,
    PeopleError,
    email_change_check,
    email_change_confirm,
    email_change_request,
    email_change_waiting,
)


@login_required
def profile(request):
    """The person's account. A POSTed full name is ignored: names come from HR's record."""
    user = request.user
    form = ProfileForm(request.POST or None, initial={"email": user.email})
    if request.method == "POST" and form.is_valid():
        try:
            change = email_change_request(user=user, new_email=form.cleaned_data["email"], requested_by=user)
        except PeopleError as exc:
            form.add_error("email", exc.message)
        else:
            if change is None:
                messages.info(request, _("Your email is unchanged."))
            else:
                messages.success(
                    request,
                    _(
                        "We sent a confirmation link to %(email)s. Your email changes when you open it; "
                        "until then it stays %(old)s."
                    )
                    % {"email": change.new_email, "old": user.email or "—"},
                )
            return redirect("people:profile")
    return render(
        request,
        "people/profile.html",
        {
            "form": form,
            "role_labels": user_role_labels(user=user),
            "official": Official.objects.select_related("unit").filter(user=user).first(),
            "waiting": email_change_waiting(user=user),
        },
    )


def email_confirm(request, token: str):
    """The link of an email change: a page with a button (GET), the change itself (POST)."""
    title = _("The email address was not changed")
    try:
        if request.method == "POST":
            change = email_change_confirm(token=token, viewer=request.user)
            return render(request, "people/email_change_done.html", {"change": change})
        change = email_change_check(token=token, viewer=request.user)
    except EmailChangeNeedsOwner as exc:
        if not request.user.is_authenticated:
            messages.info(request, exc.message)
            return redirect_to_login(request.get_full_path())
        return problem(request, message=exc.message, status=exc.status, title=title)
    except PeopleError as exc:
        return problem(request, message=exc.message, status=exc.status, title=title)
    return render(request, "people/email_change_confirm.html", {"change": change})
