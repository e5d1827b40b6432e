from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "email"]
        labels = {"full_name": _("Full name"), "email": _("Email")}
        help_texts = {"email": _("Used to send you password-reset links and training reminders.")}


class LoginForm(AuthenticationForm):
    remember = forms.BooleanField(
        label=_("Remember me on this computer"),
        required=False,
        help_text=_(
            "Leave this unticked on a shared computer: you will be logged out when the browser is closed "
            "or after a while without activity."
        ),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Wrong username or password. Both are case-sensitive; check that Caps Lock is off "
            "and that you type Vietnamese letters the way your account was created."
        ),
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, but officials created by an import (who have no password yet) can use it too."""

    def get_users(self, email):
        return User.objects.filter(email__iexact=email, is_active=True).exclude(email="")
