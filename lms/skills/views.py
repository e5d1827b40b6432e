"""The official's own page: "Kỹ năng số của tôi"."""

from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lms.offline import allow_offline

from .selectors import person_skills


@login_required
@require_GET
def my_skills(request):
    rows = person_skills(user=request.user)
    areas = [(area, list(items)) for area, items in groupby(rows, key=lambda row: row.area or row.competency)]
    response = render(
        request,
        "skills/my_skills.html",
        {
            "areas": areas,
            "gaps": sum(1 for row in rows if row.gap),
            "expected_count": sum(1 for row in rows if row.expected),
        },
    )
    return allow_offline(response)
