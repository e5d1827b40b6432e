from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import ProfileForm
from .services import user_role_labels, user_update_profile


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_update_profile(
            user=request.user,
            full_name=form.cleaned_data["full_name"],
            email=form.cleaned_data["email"],
        )
        messages.success(request, _("Your profile has been saved."))
        return redirect("people:profile")
    return render(
        request,
        "people/profile.html",
        {"form": form, "role_labels": user_role_labels(user=request.user)},
    )
