"""Light pages on a slow link (issue 14): HTML compressed by lms.middleware.CompressionMiddleware only for
requests no other site can start (BREACH, docs/performance.md), static files hashed and cached for a year
in production (WhiteNoise), and no Gravatar anywhere in the admin."""

import gzip
import json
import re

import pytest
from django.http import FileResponse, HttpResponse
from django.middleware.csrf import _unmask_cipher_token
from django.test import RequestFactory

from lms.middleware import CompressionMiddleware
from tests.builders import UserFactory
from tests.test_deploy_check import production_env, run

FIRST_PARTY = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br", "HTTP_SEC_FETCH_SITE": "same-origin"}
LOGIN = "/tai-khoan/login/"


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


def body(response) -> str:
    content = response.content
    if response.get("Content-Encoding") == "gzip":
        content = gzip.decompress(content)
    return content.decode()


def csrf_tokens(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


@pytest.mark.parametrize("fetch_site", ["same-origin", "none"])
def test_a_page_asked_for_by_the_site_or_the_person_is_gzipped(client, db, fetch_site):
    response = client.get(LOGIN, HTTP_ACCEPT_ENCODING="gzip, deflate, br", HTTP_SEC_FETCH_SITE=fetch_site)

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert int(response["Content-Length"]) == len(response.content)
    assert {"accept-encoding", "sec-fetch-site", "cookie"} <= vary(response)
    html = body(response)
    assert "<form" in html and csrf_tokens(html)
    assert len(response.content) < len(html.encode()) / 2


@pytest.mark.parametrize("fetch_site", ["cross-site", "same-site", None])
def test_a_page_another_site_could_have_asked_for_is_never_compressed(client, db, fetch_site):
    """BREACH needs the victim's browser to fetch the page many times with the attacker's guesses in it: such
    requests come from another site (or, with an old browser, say nothing), and are answered uncompressed."""
    headers = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
    if fetch_site:
        headers["HTTP_SEC_FETCH_SITE"] = fetch_site

    response = client.get(LOGIN + "?next=/admin/bao-cao/%3Fq%3Dguess", **headers)

    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert {"accept-encoding", "sec-fetch-site"} <= vary(response)
    assert csrf_tokens(response.content.decode())


def test_a_client_that_does_not_accept_gzip_gets_plain_html(client, db):
    response = client.get(LOGIN, HTTP_SEC_FETCH_SITE="same-origin", HTTP_ACCEPT_ENCODING="identity")

    assert not response.has_header("Content-Encoding")
    assert csrf_tokens(response.content.decode())


def test_each_compressed_page_carries_a_fresh_csrf_mask_and_random_padding(client, db):
    """The secret that would be worth guessing in a page, the CSRF token, is masked afresh in every response,
    and Django adds up to 100 random bytes to each gzipped body (Heal The BREACH): the same page never
    compresses to a predictable size."""
    responses = [client.get(LOGIN, **FIRST_PARTY) for _ in range(8)]

    tokens = [csrf_tokens(body(response))[0] for response in responses]
    assert len(set(tokens)) == len(tokens)
    assert len({_unmask_cipher_token(token) for token in tokens}) == 1  # one secret, masked 8 ways
    assert len({len(response.content) for response in responses}) > 1


def test_the_admin_and_the_hr_dashboard_are_gzipped(client, db):
    administrator = UserFactory(username="quantri_nen", is_superuser=True, is_staff=True)
    client.force_login(administrator)

    for url in ("/admin/", "/admin/bao-cao/", "/admin/users/"):
        response = client.get(url, **FIRST_PARTY)
        assert response.status_code == 200, url
        assert response["Content-Encoding"] == "gzip", url


def test_json_is_compressed_but_not_files_ranges_or_no_transform():
    factory = RequestFactory()
    middleware = CompressionMiddleware(lambda request: HttpResponse())
    request = factory.get("/", **FIRST_PARTY)
    text = "Nguyễn Văn An, phường Bến Thành. " * 40

    def compressed(response) -> bool:
        return middleware.process_response(request, response).get("Content-Encoding") == "gzip"

    assert compressed(HttpResponse(json.dumps({"text": text}), content_type="application/json"))
    assert compressed(HttpResponse(text, content_type="text/csv; charset=utf-8"))
    assert not compressed(HttpResponse(text.encode(), content_type="application/pdf"))
    assert not compressed(
        HttpResponse(
            text.encode(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    )
    partial = HttpResponse(text, content_type="text/html", status=206)
    partial["Content-Range"] = f"bytes 0-{len(text) - 1}/{len(text) * 2}"
    assert not compressed(partial)
    untouchable = HttpResponse(text, content_type="text/html")
    untouchable["Cache-Control"] = "no-transform"
    assert not compressed(untouchable)
    assert not compressed(FileResponse(iter([text.encode()]), content_type="image/png"))

    rangeable = FileResponse(iter([text.encode()]), content_type="application/javascript")
    rangeable["Accept-Ranges"] = "bytes"
    response = middleware.process_response(request, rangeable)
    assert response["Content-Encoding"] == "gzip"
    assert not response.has_header("Accept-Ranges")  # ranges are of the uncompressed file
    assert gzip.decompress(b"".join(response.streaming_content)).decode() == text


def test_production_serves_static_files_before_compressing_pages_and_hashes_them():
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.MIDDLEWARE, settings.STORAGES['staticfiles']['BACKEND']]))"
    )
    result = run(["-c", code], production_env())
    assert result.returncode == 0, result.stderr
    middleware, storage = json.loads(result.stdout.strip().splitlines()[-1])

    assert middleware[:3] == [
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "lms.middleware.CompressionMiddleware",
    ]
    assert storage == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_hashed_static_files_are_cached_for_a_year_and_sent_compressed(settings, tmp_path, db):
    """What production's storage and WhiteNoise do with a collected file: a hashed name, cached for a year as
    immutable, served from its gzipped copy; the unhashed name only for a minute."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command
    from whitenoise.middleware import WhiteNoiseMiddleware

    source = tmp_path / "source"
    (source / "css").mkdir(parents=True)
    (source / "css" / "report.css").write_text(".sw-scroll { overflow-x: auto; }\n" * 200)
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    hashed = staticfiles_storage.url("css/report.css")
    assert re.fullmatch(r"/static/css/report\.[0-9a-f]{12}\.css", hashed)

    middleware = WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))
    factory = RequestFactory()

    response = middleware(factory.get(hashed, HTTP_ACCEPT_ENCODING="gzip"))
    assert response.status_code == 200
    max_age, *rest = response["Cache-Control"].split(", ")
    assert int(max_age.removeprefix("max-age=")) >= 365 * 24 * 3600  # WhiteNoise: ten years
    assert rest == ["public", "immutable"]
    assert response["Content-Encoding"] == "gzip"
    response.close()

    # Brotli (a dependency of the project's own, so that collectstatic makes the .br copies) for browsers
    # that take it: Wagtail's admin scripts are about 15% smaller than gzipped.
    response = middleware(factory.get(hashed, HTTP_ACCEPT_ENCODING="gzip, deflate, br"))
    assert response.status_code == 200 and response["Content-Encoding"] == "br"
    response.close()

    plain = middleware(factory.get("/static/css/report.css"))
    assert plain.status_code == 200
    assert "immutable" not in plain["Cache-Control"]
    plain.close()


GRAVATAR = re.compile(r"gravatar", re.IGNORECASE)


def test_no_admin_page_refers_to_gravatar(client, db):
    """Every admin page shows avatars (the account menu; user lists show one per person). Wagtail asks
    www.gravatar.com for them unless WAGTAIL_GRAVATAR_PROVIDER_URL is None: on the city's intranet those
    requests fail, and they would send officials' email hashes to a third party."""
    administrator = UserFactory(
        username="quantri_anh", email="quantri@phuong.example.gov.vn", is_superuser=True, is_staff=True
    )
    UserFactory(username="canbo_anh", email="canbo@phuong.example.gov.vn")
    client.force_login(administrator)

    urls = [
        "/admin/",
        "/admin/users/",
        f"/admin/users/edit/{administrator.pk}/",
        "/admin/account/",
        "/admin/pages/",
        "/admin/bao-cao/",
        "/admin/reports/site-history/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not GRAVATAR.search(html), url
        assert "avatar" in html, url  # the avatar is there, from the site's own static files


def test_wagtails_icon_sprite_is_cached_for_a_year_at_its_hashed_address(client, db):
    """icons.js fetches the sprite on every admin page; Wagtail sends it never_cache. At the address with the
    current hash (what the admin pages link) it may be kept a year; at any other it is not kept at all."""
    from wagtail.admin.icons import get_icon_sprite_url

    url = get_icon_sprite_url()
    assert url.startswith("/admin/sprite/?h=")

    response = client.get(url, **FIRST_PARTY)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "<svg" in body(response) and response["Content-Encoding"] == "gzip"
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=31536000", "immutable"} <= directives
    assert "no-cache" not in directives and "no-store" not in directives

    stale = client.get("/admin/sprite/?h=00000000")
    assert stale.status_code == 200
    assert "no-cache" in stale["Cache-Control"] and "immutable" not in stale["Cache-Control"]
