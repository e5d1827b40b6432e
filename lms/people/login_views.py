"""The site's login and password-reset pages: Django's views with "remember me", the reset limits and the
lockout lifted by a completed reset (lms/people/lockouts.py, lms/people/sessions.py)."""

from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _

from lms.audit.context import client_ip

from .forms import LoginForm, PasswordResetForm
from .lockouts import lockout_clear_after_reset, password_reset_allowed
from .sessions import remember_login


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        remember_login(self.request, remember=form.cleaned_data.get("remember", False))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view, limited per email and per client address each hour (PASSWORD_RESET_LIMIT_*)."""

    form_class = PasswordResetForm

    def form_valid(self, form):
        if not password_reset_allowed(email=form.cleaned_data["email"], address=client_ip(self.request)):
            form.add_error(
                None,
                _(
                    "Too many password-reset requests for this email address or from this computer. "
                    "Please wait an hour before asking again, check your spam folder for the link already "
                    "sent, or ask your unit's administrator."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view; a password chosen through the emailed link also lifts the account's login lockout."""

    def form_valid(self, form):
        response = super().form_valid(form)
        lockout_clear_after_reset(user=form.user)
        return response
