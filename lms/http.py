"""Small view helpers: clear Vietnamese responses instead of bare status codes."""

from functools import wraps

from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _


def problem(request, *, message: str, status: int, title: str | None = None, back_url: str | None = None):
    """Render a plain page that tells the person what went wrong and where to go next."""
    return render(
        request,
        "errors/problem.html",
        {"title": title or _("This action cannot be completed"), "message": message, "back_url": back_url},
        status=status,
    )


def post_required(view):
    """Like Django's require_POST, but explains itself to a person who followed a link."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            response = problem(
                request,
                message=_("This address only accepts a form submission. Please use the button on the page."),
                status=405,
            )
            response["Allow"] = "POST"
            return response
        return view(request, *args, **kwargs)

    return wrapper


def private_no_store(view):
    """For a view whose response holds one person's data (a PDF, an export): `Cache-Control: private,
    no-store`, so that neither a shared cache nor the browser keeps a copy (office PCs are shared)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapper
