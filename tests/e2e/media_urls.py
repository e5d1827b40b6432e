"""The site's URLs plus uploaded media, for browser tests: the test settings run with DEBUG off, so the
site's own URL configuration serves no /media/ (a web server does in production)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from lms.urls import urlpatterns as site_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), *site_urlpatterns]
