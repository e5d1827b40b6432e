"""Unaccented, short page addresses ("dat-mat-khau-manh") in the page editor and on the server.

The editor fills the slug from the title as the trainer types (Wagtail's `w-slug` controller); the
formatters below run in the browser before Wagtail's own urlify, which alone would drop Vietnamese letters
("Đặt" → "t"). They repeat `lms.text.slug_vi` step for step, so the browser and the server agree. A page
saved without a slug (a draft saved before the slug was filled, a page created in code or by an import)
gets one on the server; a title that folds to nothing gets SLUG_FALLBACK.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.widgets import SlugInput
from wagtail.models import Page

from lms.text import slug_vi

SLUG_MAX_LENGTH = 60
SLUG_FALLBACK = "trang"

_I = re.IGNORECASE
SLUG_FORMATTERS = [
    (r"[\u0300-\u036f]", ""),  # marks typed as separate characters (decomposed text)
    (re.compile("[àáạảãâầấậẩẫăằắặẳẵ]", _I), "a"),
    (re.compile("[èéẹẻẽêềếệểễ]", _I), "e"),
    (re.compile("[ìíịỉĩ]", _I), "i"),
    (re.compile("[òóọỏõôồốộổỗơờớợởỡ]", _I), "o"),
    (re.compile("[ùúụủũưừứựửữ]", _I), "u"),
    (re.compile("[ỳýỵỷỹ]", _I), "y"),
    (re.compile("đ", _I), "d"),
    (r"[^A-Za-z0-9]+", "-"),
    (r"^-+|-+$", ""),
    # Longer than the limit: cut after the last whole word that fits, else where it must.
    (rf"^(?=.{{{SLUG_MAX_LENGTH + 1}}})(.{{0,{SLUG_MAX_LENGTH}}})-.*$", "$1"),
    (rf"^(.{{{SLUG_MAX_LENGTH}}}).+$", "$1"),
]


class VietnameseSlugInput(SlugInput):
    def __init__(self, attrs=None, formatters=None, locale=None):
        super().__init__(attrs=attrs, formatters=formatters or SLUG_FORMATTERS, locale=locale)


def page_slug(title: str) -> str:
    return slug_vi(title, max_length=SLUG_MAX_LENGTH) or SLUG_FALLBACK


def free_slug(*, parent: Page, base: str, page: Page | None = None) -> str:
    """`base`, or `base-2`, `base-3`… : the first that no sibling under `parent` uses."""
    candidate, number = base, 1
    while not Page._slug_is_available(candidate, parent, page):
        number += 1
        suffix = f"-{number}"
        candidate = base[: SLUG_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
    return candidate


class VietnameseSlugMixin:
    """Pages whose empty slug is filled from the title, folded the Vietnamese way."""

    def full_clean(self, *args, **kwargs):
        parent = getattr(self, "_cached_parent_obj", None) or (self.get_parent() if self.path else None)
        if not self.slug and parent is not None:
            self.slug = free_slug(parent=parent, base=page_slug(self.title), page=self)
        return super().full_clean(*args, **kwargs)


class PageForm(WagtailAdminPageForm):
    """The page editor's form: an empty slug is made from the title; a slug a sibling uses explains itself
    and offers a free one; rich-text boxes are named after their field."""

    def __init__(self, *args, **kwargs):
        from wagtail.admin.rich_text import DraftailRichTextArea  # loads models: not at import time

        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False  # left empty, it is made from the title (clean)
        for field in self.fields.values():
            # Draftail's editing box is not the <input> its label points to: name it (aria-input-field-name).
            if isinstance(field.widget, DraftailRichTextArea):
                field.widget.options = {**field.widget.options, "ariaLabel": str(field.label)}

    def clean(self):
        slug = self.cleaned_data.get("slug")  # the parent's clean drops it from cleaned_data on a clash
        title = self.cleaned_data.get("title")
        if "slug" in self.fields and not slug and title and self.parent_page is not None:
            self.cleaned_data["slug"] = free_slug(
                parent=self.parent_page, base=page_slug(title), page=self.instance
            )
        cleaned_data = super().clean()
        clash = (
            slug
            and "slug" in self.errors
            and self.parent_page is not None
            and not Page._slug_is_available(slug, self.parent_page, self.instance)
        )
        if clash:
            suggestion = free_slug(parent=self.parent_page, base=slug, page=self.instance)
            self.errors.pop("slug")
            self.add_error(
                "slug",
                ValidationError(
                    _(
                        "Another page in “%(parent)s” already has the address “%(slug)s” (often because "
                        "it has the same title). Change the slug in the Promote tab, for example to "
                        "“%(suggestion)s”, or change the title."
                    )
                    % {"parent": self.parent_page.title, "slug": slug, "suggestion": suggestion},
                    code="slug_in_use",
                ),
            )
        return cleaned_data
