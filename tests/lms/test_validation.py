"""The shared checks of ids and dates (lms/validation.py)."""

from datetime import date

import pytest
from django import forms
from django.urls import Resolver404, resolve, reverse

from lms.validation import MAX_ID, DateField, IdField, IdListField, parse_id


@pytest.mark.parametrize("value", ["1", "42", str(MAX_ID), 7])
def test_parse_id_accepts_whole_numbers_that_fit(value):
    assert parse_id(value) == int(value)


@pytest.mark.parametrize(
    "value",
    ["", "0", "-1", "1.5", "abc", "١٢", "²", "\x00", "1\x00", str(MAX_ID + 1), str(2**63), True, 0, -3, 1.0],
)
def test_parse_id_refuses_anything_else(value):
    assert parse_id(value) is None


def test_the_id_converter_takes_up_to_18_digits():
    url = reverse("learning:enrol", args=[MAX_ID])

    assert resolve(url).kwargs == {"course_id": MAX_ID}
    for other in (str(MAX_ID + 1), "-1", "1.5", "١٢"):
        # not the enrol view: no route at all, or Wagtail's page route (which then finds no page)
        try:
            view_name = resolve(url.replace(str(MAX_ID), other)).view_name
        except Resolver404:
            view_name = None
        assert view_name in (None, "wagtail_serve")


class Sample(forms.Form):
    one = IdField(required=False)
    many = IdListField(required=False, max_count=3)
    day = DateField(required=False)


def test_the_fields_clean_good_values():
    form = Sample({"one": "5", "many": ["3", "3", "4"], "day": "31/12/2100"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"one": 5, "many": [3, 4], "day": date(2100, 12, 31)}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"one": str(2**63)}, "one"),
        ({"one": "1.5"}, "one"),
        ({"many": ["1", "x"]}, "many"),
        ({"many": ["1", "2", "3", "4"]}, "many"),
        ({"day": "0001-01-01"}, "day"),
        ({"day": "1999-12-31"}, "day"),
        ({"day": "2101-01-01"}, "day"),
        ({"day": "2024-02-30"}, "day"),
    ],
)
def test_the_fields_refuse_bad_values_as_form_errors(data, field):
    form = Sample(data)

    assert not form.is_valid()
    assert list(form.errors) == [field]


def test_the_date_input_tells_the_browser_its_range():
    html = str(Sample()["day"])

    assert 'min="2000-01-01"' in html and 'max="2100-12-31"' in html and 'type="date"' in html
