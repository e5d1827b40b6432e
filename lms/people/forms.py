from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import User


class ProfileForm(forms.Form):
    """What a person may change on their own profile: their email, confirmed by the new address.

    The full name is not here: an official's name comes from HR's record (certificates carry it), and a
    correction is asked of HR.
    """

    email = forms.EmailField(
        label=_("Email"),
        max_length=User._meta.get_field("email").max_length,
        help_text=_(
            "Used to send you password-reset links and training reminders. A new address takes effect once "
            "you open the link we send to it."
        ),
        error_messages={
            "required": _("Enter your email address: without it you cannot reset your password.")
        },
    )


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
            "Wrong username or password. The password is case-sensitive: check that Caps Lock is off and "
            "that you type Vietnamese letters the way you chose them; the username is not."
        ),
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, but officials created by an import (who have no password yet) can use it too."""

    def get_users(self, email):
        return User.objects.filter(email__iexact=email, is_active=True).exclude(email="")
