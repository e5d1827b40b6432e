"""The health endpoint for load balancers and monitoring. No login: it reveals nothing but which part of
the installation fails."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from .health import CHECKS, OK, health


@require_GET
def health_view(request):
    """200 when every check passes, 503 naming the parts that failed. `?check=database&check=cache` runs
    only those checks (a load balancer need not take web servers out because beat stopped)."""
    names = request.GET.getlist("check") or None
    unknown = sorted(set(names or ()) - set(CHECKS))
    if unknown:
        response = JsonResponse({"status": "error", "unknown_checks": unknown[:10]}, status=400)
    else:
        results = health(names)
        failed = [name for name, result in results.items() if result != OK]
        response = JsonResponse(
            {"status": "fail" if failed else "ok", "checks": results, "failed": failed},
            status=503 if failed else 200,
        )
    response["Cache-Control"] = "no-store"
    return response
