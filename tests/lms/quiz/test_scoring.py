from decimal import Decimal

import pytest

from lms.quiz.scoring import InvalidResponse, score_response
from tests.quiz_builders import make_question


def score(question, raw):
    return score_response(question, list(question.answers.all()), raw).score


def ids(question, *labels):
    return [a.pk for a in question.answers.all() if a.text[-1] in labels]


@pytest.mark.django_db
class TestSingleChoice:
    def test_the_correct_choice_earns_the_points(self):
        question = make_question("single", points=2)
        assert score(question, ids(question, "A")[0]) == Decimal("2")

    def test_a_wrong_choice_earns_nothing(self):
        question = make_question("single")
        assert score(question, ids(question, "B")[0]) == 0

    def test_a_choice_of_another_question_is_rejected(self):
        question, other = make_question("single"), make_question("single")
        with pytest.raises(InvalidResponse):
            score(question, ids(other, "A")[0])

    @pytest.mark.parametrize("raw", [None, "abc", [], {"x": 1}])
    def test_garbage_is_rejected(self, raw):
        with pytest.raises(InvalidResponse):
            score(make_question("single"), raw)


@pytest.mark.django_db
class TestMultipleChoice:
    def test_all_or_nothing_needs_exactly_the_correct_set(self):
        question = make_question("multiple", points=2)
        assert score(question, ids(question, "A", "D")) == 2
        assert score(question, ids(question, "A")) == 0
        assert score(question, ids(question, "A", "B", "D")) == 0

    def test_partial_credit_gives_a_share_and_subtracts_wrong_choices(self):
        question = make_question("multiple", points=2, partial_credit=True)
        assert score(question, ids(question, "A", "D")) == Decimal("2.00")
        assert score(question, ids(question, "A")) == Decimal("1.00")
        assert score(question, ids(question, "A", "B")) == Decimal("0.00")
        assert score(question, ids(question, "B", "C")) == Decimal("0.00")

    def test_tampered_ids_are_rejected(self):
        question = make_question("multiple")
        with pytest.raises(InvalidResponse):
            score(question, [*ids(question, "A"), 999_999])


@pytest.mark.django_db
class TestTrueFalse:
    def test_true_and_false(self):
        question = make_question("true_false")
        assert score(question, "true") == 1
        assert score(question, "false") == 0

    def test_anything_else_is_rejected(self):
        with pytest.raises(InvalidResponse):
            score(make_question("true_false"), "maybe")


@pytest.mark.django_db
class TestShortAnswer:
    @pytest.mark.parametrize("given", ["Chữ ký số", "chữ ký số", "CHU KY SO", "  chu   ky so ", "Chu Ky So"])
    def test_case_and_diacritics_are_ignored_by_default(self, given):
        assert score(make_question("short"), given) == 1

    def test_diacritics_count_when_the_question_says_so(self):
        question = make_question("short", ignore_diacritics=False)
        assert score(question, "chữ ký số") == 1
        assert score(question, "chu ky so") == 0

    def test_case_counts_when_the_question_says_so(self):
        question = make_question("short", case_sensitive=True)
        assert score(question, "Chu ky so") == 1
        assert score(question, "chu ky so") == 0

    def test_an_empty_or_wrong_answer_earns_nothing(self):
        question = make_question("short")
        assert score(question, "") == 0
        assert score(question, "chữ ký tay") == 0

    def test_a_huge_answer_is_rejected(self):
        with pytest.raises(InvalidResponse):
            score(make_question("short"), "x" * 20_000)


@pytest.mark.django_db
def test_an_essay_waits_for_marking():
    result = score_response(make_question("essay"), [], "Phường tôi sẽ số hóa hồ sơ.")
    assert result.score is None
    assert result.response == {"text": "Phường tôi sẽ số hóa hồ sơ."}


@pytest.mark.parametrize(
    ("passed", "awaiting", "outcome", "label"),
    [
        (True, False, "passed", "Đạt"),
        (True, True, "passed", "Đạt"),  # an essay still to mark can only add points
        (False, True, "awaiting_marking", "Chờ chấm tự luận"),
        (False, False, "not_passed", "Chưa đạt"),
    ],
)
def test_a_submitted_attempt_has_one_outcome(passed, awaiting, outcome, label):
    from django.utils import translation

    from lms.quiz.models import Attempt

    attempt = Attempt(passed=passed, awaiting_marking=awaiting)

    assert attempt.outcome == outcome
    with translation.override("vi"):
        assert str(attempt.outcome.label) == label
