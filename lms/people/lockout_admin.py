"""Wagtail admin pages for administrators: the accounts and addresses locked by failed logins, and unlocking
one (with a confirmation, written to the audit trail). Registered by wagtail_hooks.py under /admin/lockouts/.

Built on Wagtail's generic `WagtailAdminTemplateMixin` (header, breadcrumbs); the rows are not a model
listing but the sums of django-axes' attempts (`lockouts.lockouts_active`).
"""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.mixins import UserPassesTestMixin
from django.shortcuts import redirect
from django.urls import path, reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .lockouts import ACCOUNT, ADDRESS, cool_off_minutes, lockout_clear, lockout_find, lockouts_active
from .permissions import allows

INDEX_URL = reverse_lazy("lockouts_admin:index")


class AdministratorRequiredMixin(UserPassesTestMixin):
    """Administrators only; another signed-in person is sent to the admin's home with Wagtail's refusal."""

    def test_func(self):
        return allows(self.request.user, "axes.view_accessattempt", units=False)

    def handle_no_permission(self):
        if not self.request.user.is_authenticated:
            return super().handle_no_permission()
        messages.error(self.request, _("Sorry, you do not have permission to access this area."))
        return redirect("wagtailadmin_home")


class LockoutsIndexView(AdministratorRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "people/admin/lockouts.html"
    page_title = gettext_lazy("Login lockouts")
    header_icon = "lock"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lockouts = lockouts_active()
        context.update(
            {
                "rows": [(lockout, unlock_url(lockout)) for lockout in lockouts],
                "minutes": cool_off_minutes(),
                "failure_limit": settings.AXES_FAILURE_LIMIT,
            }
        )
        return context


class UnlockForm(forms.Form):
    kind = forms.ChoiceField(choices=[(ACCOUNT, ACCOUNT), (ADDRESS, ADDRESS)], widget=forms.HiddenInput)
    value = forms.CharField(max_length=255, widget=forms.HiddenInput)


class UnlockView(AdministratorRequiredMixin, WagtailAdminTemplateMixin, FormView):
    """GET: the confirmation for the lock named in the query string; POST: lift it."""

    template_name = "people/admin/lockout_unlock.html"
    form_class = UnlockForm
    page_title = gettext_lazy("Unlock logging in")
    header_icon = "lock-open"
    success_url = INDEX_URL

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": INDEX_URL, "label": _("Login lockouts")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET":
            kwargs["data"] = self.request.GET
        return kwargs

    def _lockout(self, form):
        lockout = lockout_find(kind=form.cleaned_data["kind"], value=form.cleaned_data["value"])
        if lockout is None:
            messages.info(self.request, _("That account or address is not locked any more."))
        return lockout

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_valid():
            return redirect(INDEX_URL)
        lockout = self._lockout(form)
        if lockout is None:
            return redirect(INDEX_URL)
        return self.render_to_response(self.get_context_data(form=form, lockout=lockout))

    def form_invalid(self, form):
        return redirect(INDEX_URL)

    def form_valid(self, form):
        lockout = self._lockout(form)
        if lockout is not None:
            lockout_clear(lockout=lockout, by=self.request.user)
            messages.success(
                self.request, _("%(value)s is unlocked: logging in works again.") % {"value": lockout.value}
            )
        return super().form_valid(form)


def unlock_url(lockout) -> str:
    return reverse("lockouts_admin:unlock") + "?" + urlencode({"kind": lockout.kind, "value": lockout.value})


urlpatterns = [
    path("", LockoutsIndexView.as_view(), name="index"),
    path("unlock/", UnlockView.as_view(), name="unlock"),
]
