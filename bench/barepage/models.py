"""The framework's floor for bench/pages.py: a Wagtail page with only a rich-text field and a minimal
template. Installed only by bench/pages_settings.py; the product does not carry it."""

from wagtail.fields import RichTextField
from wagtail.models import Page


class BarePage(Page):
    body = RichTextField(blank=True)
