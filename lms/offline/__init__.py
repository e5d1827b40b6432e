"""The installable, offline-capable site: web app manifest, service worker, offline page, and the marks
that tell the worker which responses it may keep (docs/offline.md). Imports no other project app."""

OFFLINE_PAGE_HEADER = "X-Offline-Page"
OFFLINE_USER_HEADER = "X-Offline-User"


def allow_offline(response):
    """Lets the service worker keep this page for reading offline. Only learner pages that show the
    person's own courses call it; everything else (admin, forms' answers, APIs) is never stored."""
    response[OFFLINE_PAGE_HEADER] = "1"
    return response
