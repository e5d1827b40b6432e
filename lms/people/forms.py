from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "email"]
        labels = {"full_name": _("Full name"), "email": _("Email")}
        help_texts = {"email": _("Used to send you password-reset links and training reminders.")}
