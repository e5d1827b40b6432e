"""The site's URLs without the cached icon sprite (lms.http.icon_sprite): Wagtail's own, never cached, as
before issue 14. Used by bench/weight_pages.py --before."""

from lms.urls import urlpatterns as site_patterns

urlpatterns = [pattern for pattern in site_patterns if str(pattern.pattern) != "admin/sprite/"]
