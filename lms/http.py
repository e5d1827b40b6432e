"""Small view helpers: clear Vietnamese responses instead of bare status codes."""

from functools import wraps

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control
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


def icon_sprite(request):
    """Wagtail's icon sprite, which icons.js fetches on every admin page (19 KB compressed), cacheable for a
    year: Wagtail serves it `never_cache`, but its address carries a hash of its content (`?h=…`, a new one
    whenever an icon changes). Any other `h` (an old page after an upgrade) is answered as Wagtail does."""
    from wagtail.admin.icons import get_icon_sprite_hash
    from wagtail.admin.views.home import sprite

    response = sprite(request)
    if request.GET.get("h") == get_icon_sprite_hash():
        patch_cache_control(response, public=True, max_age=365 * 24 * 3600, immutable=True)
    else:
        add_never_cache_headers(response)
    return response
