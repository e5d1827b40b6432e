"""bench/exam.py's core at a tiny scale, so that the script cannot rot: three officials taken through the exam
by Locust (in its own process) against the live test server, with no think time, then the database checked.

Locust is a bench dependency, not a project one (bench/exam.py's docstring): without it (as in CI) this test
is skipped. gunicorn and the SIGKILL mode are not exercised here; bench/exam.py runs them."""

import pytest

from bench import exam
from tests.builders import wagtail_root_ensure

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def locust_python():
    python = exam.locust_python()
    if python is None:
        pytest.skip(
            "Locust is not installed (a bench dependency: `pip install locust`, or LOCUST_PYTHON naming an "
            "interpreter that has it, or var/locust-venv/; see bench/exam.py)"
        )
    return python


def test_three_officials_take_the_exam_and_every_acknowledged_answer_is_stored_once(
    live_server, tmp_path, locust_python
):
    wagtail_root_ensure()
    plan = exam.exam_build(users=3)
    plan.update(
        base=live_server.url,
        spawn_rate=10,
        think_min_s=0,
        think_max_s=0,
        start_spread_s=0,
        correct_rate=1,
        max_tries=8,  # as the bench: a 5xx or a lost reply is sent again (the outbox does too)
        seed=1,
        timeout_s=50,
    )

    results = exam.locust_run(plan, tmp_path, python=locust_python)
    checked = exam.exam_check(quiz_id=plan["quiz"], acknowledged=results["acknowledged"])
    figures = exam.exam_figures(results, checked, users=3)

    assert results["errors"] == []
    assert results["released"]
    assert figures["answers_acknowledged"] == 3 * exam.QUESTIONS == checked["answers_stored"]
    assert figures["lost_answers"] == 0
    assert figures["duplicate_answers"] == 0
    assert checked["attempts_started"] == checked["attempts_submitted"] == 3
    assert checked["attempts_passed"] == 3  # every answer the correct one: the server scored what was sent
    assert figures["start_all_s"] >= 0
    assert len(results["answer_ms"]) == 3 * exam.QUESTIONS and len(results["submit_ms"]) == 3
    names = {row["name"] for row in results["locust"]}
    assert {"log in", "start", "answer", "submit"} <= names
