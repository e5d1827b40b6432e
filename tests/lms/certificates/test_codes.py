import re

from lms.certificates.codes import ALPHABET, code_generate, code_normalize

CODE = re.compile(
    r"^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$"
)


def test_codes_are_three_groups_of_four_without_look_alike_characters():
    for _ in range(200):
        assert CODE.match(code_generate())
    assert not set("01ILO") & set(ALPHABET)


def test_codes_do_not_repeat():
    codes = {code_generate() for _ in range(5000)}

    assert len(codes) == 5000


def test_typed_codes_are_normalised_whatever_the_case_dashes_or_spaces():
    for typed in ("k7qm-9xtr-2hdp", "K7QM9XTR2HDP", " k7qm 9xtr 2hdp ", "K7QM–9XTR–2HDP", "k7qm_9xtr.2hdp"):
        assert code_normalize(typed) == "K7QM-9XTR-2HDP"


def test_text_that_cannot_be_a_code_is_refused():
    for typed in ("", "K7QM-9XTR", "K7QM-9XTR-2HDP-2", "K7QM-9XTR-2HD0", "K7QM-9XTR-2HDI", "<script>", None):
        assert code_normalize(typed) is None
