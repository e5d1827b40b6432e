"""Ids and dates from addresses, query strings and forms, checked in one place.

- Every id in a URL goes through the `id` path converter (`<id:pk>`): digits only, at most 18 of them, so it
  fits the signed 64-bit integer of every database. Anything else is not a match: a 404 before a view runs.
- Every id in a query string or a POST body goes through `IdField` (one) or `IdListField` (several): a
  number from 1 to `MAX_ID`, else a form error.
- Every date a person types (report filters, exports, due dates) goes through `DateField`: day/month/year
  or ISO, between `MIN_DATE` and `MAX_DATE`, else a form error. Outside that range a date means a typing
  mistake, and some (year 1, year 9999) cannot even be turned into a moment in Ho Chi Minh City.

The converter is registered by `lms.people` when the apps are ready (`register_converters`), before any
URL configuration is read.
"""

from datetime import date

from django import forms
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _

MAX_ID_DIGITS = 18
MAX_ID = 10**MAX_ID_DIGITS - 1  # below 2**63 - 1, the largest signed 64-bit integer
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2100, 12, 31)
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class IdConverter:
    """`<id:name>` in a route: 1 to 18 digits, given to the view as an int."""

    regex = f"[0-9]{{1,{MAX_ID_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


def register_converters() -> None:
    register_converter(IdConverter, "id")


def parse_id(value) -> int | None:
    """The id in a raw value (a query parameter, a JSON member), or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= MAX_ID_DIGITS:
        number = int(value)
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


class IdField(forms.Field):
    """One id from a query string or a form: a whole number from 1 to MAX_ID."""

    default_error_messages = {"invalid": _("This choice is not valid. Reload the page and try again.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_id(value.strip() if isinstance(value, str) else value)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class IdListField(forms.Field):
    """A list of ids from checkboxes or hidden inputs with the same name (at most `max_count`)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("The selection is not valid. Reload the page and try again.")}

    def __init__(self, *, max_count: int = 1000, **kwargs):
        self.max_count = max_count
        super().__init__(**kwargs)

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        ids = [parse_id(item.strip() if isinstance(item, str) else item) for item in value]
        if None in ids or len(ids) > self.max_count:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return list(dict.fromkeys(ids))


class DateField(forms.DateField):
    """A date typed by a person as day/month/year (ISO accepted too) between MIN_DATE and MAX_DATE.

    A text box showing dd/mm/yyyy, not the browser's date input: that one orders the parts by the browser's
    language (mm/dd/yyyy in an English browser, where "05/12/2026" is 12 May), and HR in a ward office
    works in whatever browser the office has."""

    default_error_messages = {
        "invalid": _("Enter the date as day/month/year, for example 31/12/2026."),
        "out_of_range": _("Enter a date between %(start)s and %(end)s."),
    }

    def __init__(self, *, min_date: date = MIN_DATE, max_date: date = MAX_DATE, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault(
            "widget",
            forms.DateInput(
                format="%d/%m/%Y",
                attrs={
                    # As the national public-service portal writes it (its Vietnamese pages too).
                    "placeholder": _("dd/mm/yyyy"),
                    "inputmode": "numeric",
                    "autocomplete": "off",
                    "size": 10,
                    "maxlength": 10,
                },
            ),
        )
        super().__init__(**kwargs)
        self.min_date, self.max_date = min_date, max_date

    def validate(self, value):
        super().validate(value)
        if value is not None and not self.min_date <= value <= self.max_date:
            raise forms.ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={
                    "start": self.min_date.strftime("%d/%m/%Y"),
                    "end": self.max_date.strftime("%d/%m/%Y"),
                },
            )


class IdChoiceField(forms.TypedChoiceField):
    """One id among the choices offered (a filter's select), as an int; empty means no choice."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(coerce=int, empty_value=None, **kwargs)


class IdModelChoiceField(forms.ModelChoiceField):
    """Django's ModelChoiceField that checks the id's shape before asking the database (an id beyond
    64 bits reaches SQLite as an OverflowError on a page or a foreign key, not a "does not exist")."""

    def to_python(self, value):
        if value in self.empty_values or isinstance(value, self.queryset.model) or self.to_field_name:
            return super().to_python(value)
        if parse_id(value.strip() if isinstance(value, str) else value) is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return super().to_python(value)
