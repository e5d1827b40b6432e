"""The learner's side of mandatory training: "My mandatory training"."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import person_obligations
from .status import LATE, Status

OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS, *LATE)


@login_required
@require_GET
def my_training(request):
    """The person's current obligations with status, due date and reason, the most urgent first."""
    views = person_obligations(viewer=request.user, user=request.user)
    to_do = sorted(
        (v for v in views if v.status in OPEN), key=lambda v: (v.status not in LATE, v.obligation.due_at)
    )
    done = [v for v in views if v.status not in OPEN]
    return render(
        request,
        "compliance/my_training.html",
        {"to_do": to_do, "done": done, "late": sum(1 for v in to_do if v.status in LATE)},
    )
