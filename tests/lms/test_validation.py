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


def test_the_date_box_shows_and_reads_day_month_year_whatever_the_browsers_language():
    html = str(Sample({"day": "05/12/2026"})["day"])

    # A text box: the browser's own date input would order the parts by the browser's language.
    assert 'type="text"' in html and 'value="05/12/2026"' in html and 'placeholder="dd/mm/yyyy"' in html
    form = Sample({"day": "05/12/2026"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == date(2026, 12, 5)
    assert str(Sample(initial={"day": date(2026, 12, 5)})["day"]).count('value="05/12/2026"') == 1


def test_a_date_typed_month_first_or_in_words_is_refused_with_the_expected_form():
    form = Sample({"day": "12/31/2026"})

    assert not form.is_valid()
    assert form.errors["day"] == ["Nhập ngày theo dạng ngày/tháng/năm, ví dụ 31/12/2026."]
