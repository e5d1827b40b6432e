"""The sandboxed H5P player and the files it reads, played from a stored copy of the real package."""

import json
import re
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from wagtail.models import Page

from content.blocks import H5PActivityBlock
from lms.h5p import assets
from lms.h5p import player as h5p_player
from lms.h5p.models import ContentVersion, Library, Result, Statement, UserData
from lms.h5p.storage import h5p_storage
from tests.builders import UserFactory
from tests.h5p_builders import assert_player_assets_installed, store_package

LESSON_ID = 4242  # the grant names a lesson; these views never look it up


@pytest.fixture
def version(db, h5p_bytes):
    return store_package(h5p_bytes)


@pytest.fixture
def person(db):
    return UserFactory(username="hocvien_player")


@pytest.fixture
def base(version, person) -> str:
    """The player's address for this person and version, without the trailing slash."""
    return h5p_player.player_url(user=person, version=version, lesson_id=LESSON_ID).rstrip("/")


@pytest.fixture
def anonymous():
    # The sandboxed player's requests carry no cookies: every request here is anonymous.
    return Client()


def test_the_player_assets_are_served_from_our_static_files():
    assert_player_assets_installed()


def test_the_player_page_starts_h5p_standalone_from_our_static_files(anonymous, base, version):
    assert_player_assets_installed()
    response = anonymous.get(base + "/")

    assert response.status_code == 200
    html = response.content.decode()
    # Our own files, at addresses named by their bytes (lms/h5p/assets.py): /h5p/nguon/<build>/…
    build = assets.build()[0]
    assert f"/h5p/nguon/{build}/vendor/h5p-standalone/main.bundle.js" in html
    # h5p-player.js itself is inline: a stored copy of the page starts without a connection.
    assert f"/h5p/nguon/{build}/js/h5p-player.js" not in html
    assert 'data-assets-base="/h5p/nguon/' + build + '/"' in html
    assert "<script>" in html and 'kind: "files"' in html
    assert f"/h5p/nguon/{build}/vendor/h5p-standalone/frame.bundle.js" in html
    assert f"/h5p/nguon/{build}/vendor/h5p-standalone/styles/h5p.css" in html
    assert 'data-parent-origin="http://testserver"' in html
    options = response.context["options"]
    files = f"/h5p/tep/{h5p_player.files_key(version.pk)}"
    assert options["h5pJsonPath"] == files
    assert options["contentJsonPath"] == files + "/content"
    assert options["librariesPath"] == files + "/libraries"
    assert base not in json.dumps(options)  # the grant stays on the player page's own address
    assert "contentUserData" not in options and options["saveFreq"] is False
    assert "cdn" not in html.lower() and "https://" not in html


def test_the_player_page_is_sandboxed_and_framed_only_by_the_site(anonymous, base):
    response = anonymous.get(base + "/")

    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split("; ")}
    assert directives["sandbox"] == ["allow-scripts"]
    assert "allow-same-origin" not in policy
    assert directives["form-action"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert "http://testserver" in directives["connect-src"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "private, no-store"


def test_the_player_page_sets_no_cookie_and_carries_no_csrf_token(client, person, base):
    client.force_login(person)  # even when the browser sends the session cookie with the frame's request

    response = client.get(base + "/")

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html and "csrftoken" not in html
    assert person.username not in html and person.full_name not in html


def test_the_player_restores_this_persons_saved_state_for_this_version(anonymous, version, person, base):
    other = UserFactory(username="nguoi_khac")
    UserData.objects.create(
        user=person, activity=version.activity, version=version, data='{"answer":false}', data_type="state"
    )
    UserData.objects.create(
        user=other, activity=version.activity, version=version, data='{"answer":true}', data_type="state"
    )

    response = anonymous.get(base + "/")

    options = response.context["options"]
    assert options["contentUserData"] == [{"state": '{"answer":false}'}]
    assert options["saveFreq"]  # H5P core gives the content its previous state only with saveFreq set


@pytest.mark.parametrize("suffix", ["/", "/h5p.json", "/content/content.json"])
def test_a_forged_token_finds_nothing(anonymous, base, suffix):
    token = base.rsplit("/", 1)[1]
    forged = base[: -len(token)] + token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    assert anonymous.get(forged + suffix).status_code == 404


def test_an_expired_token_finds_nothing(anonymous, base, monkeypatch):
    monkeypatch.setattr(h5p_player, "MAX_AGE_SECONDS", -1)

    assert anonymous.get(base + "/").status_code == 404
    assert anonymous.get(base + "/h5p.json").status_code == 404


def test_a_token_signed_for_something_else_finds_nothing(anonymous, version, person):
    token = signing.dumps({"u": person.pk, "v": version.pk, "l": LESSON_ID}, salt="another.purpose")

    assert anonymous.get(f"/h5p/choi/{token}/").status_code == 404


def test_a_grant_for_a_version_that_is_gone_finds_nothing(anonymous, person, version):
    token = h5p_player.player_token(user=person, version=ContentVersion(pk=version.pk + 999), lesson_id=1)

    assert anonymous.get(f"/h5p/choi/{token}/").status_code == 404
    assert anonymous.get(f"/h5p/choi/{token}/h5p.json").status_code == 404


def test_the_player_takes_only_get(anonymous, base):
    assert anonymous.post(base + "/").status_code == 405
    assert anonymous.post(base + "/h5p.json").status_code == 405


def test_h5p_json_is_served_from_storage(anonymous, base, version):
    response = anonymous.get(base + "/h5p.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(b"".join(response.streaming_content))["mainLibrary"] == "H5P.TrueFalse"
    assert_file_headers(response)


def test_content_json_is_served_from_storage(anonymous, base):
    response = anonymous.get(base + "/content/content.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "Is this false?" in json.loads(b"".join(response.streaming_content))["question"]
    assert_file_headers(response)


def test_a_library_script_is_served_as_javascript_with_the_safety_headers(anonymous, base):
    response = anonymous.get(base + "/libraries/H5P.TrueFalse-1.6/scripts/h5p-true-false.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert b"H5P.TrueFalse" in b"".join(response.streaming_content)
    assert_file_headers(response)


def test_library_json_css_and_fonts_have_their_types(anonymous, base):
    types = {
        "/libraries/H5P.TrueFalse-1.6/library.json": "application/json",
        "/libraries/H5P.TrueFalse-1.6/styles/h5p-true-false.css": "text/css",
        "/libraries/FontAwesome-4.5/fontawesome-webfont.woff2": "font/woff2",
        "/libraries/H5P.Question-1.4/images/plus-one.svg": "image/svg+xml",
    }
    for suffix, expected in types.items():
        response = anonymous.get(base + suffix)
        assert response.status_code == 200, suffix
        assert response["Content-Type"].split(";")[0] == expected, suffix
        assert_file_headers(response)
        drain(response)


def drain(response) -> bytes:
    """Read a streamed file to its end. The test client then closes it without sending Django's
    request_finished to the test's own database connection (a bare response.close() would close that
    connection on PostgreSQL, in the middle of the test's transaction)."""
    return b"".join(response.streaming_content)


def assert_file_headers(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Cache-Control"] == "private, max-age=3600"
    # The sandboxed player has an opaque origin: its fetch() and font loads are CORS requests.
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in response.headers


def test_a_library_the_version_does_not_use_is_not_served(anonymous, base):
    other = Library.objects.create(machine_name="H5P.Other", major_version=1, minor_version=0)
    h5p_storage().save(other.storage_prefix + "library.json", ContentFile(b"{}"))

    assert anonymous.get(base + "/libraries/H5P.Other-1.0/library.json").status_code == 404
    assert anonymous.get(base + "/libraries/H5P.Nope-9.9/library.json").status_code == 404
    assert anonymous.get(base + "/libraries/not-a-folder/library.json").status_code == 404


def test_another_versions_library_is_not_served_through_this_grant(anonymous, base, h5p_bytes):
    # The same real package again shares the libraries; a library only the other version has is refused.
    other = store_package(h5p_bytes, title="Bản khác")
    extra = Library.objects.create(machine_name="H5P.Extra", major_version=1, minor_version=0)
    other.libraries.add(extra)
    h5p_storage().save(extra.storage_prefix + "library.json", ContentFile(b"{}"))

    assert anonymous.get(base + "/libraries/H5P.Extra-1.0/library.json").status_code == 404


def test_a_missing_file_is_a_404_not_an_error(anonymous, base):
    assert anonymous.get(base + "/content/images/missing.png").status_code == 404
    assert anonymous.get(base + "/libraries/H5P.TrueFalse-1.6/scripts/missing.js").status_code == 404
    assert anonymous.get(base + "/libraries/H5P.TrueFalse-1.6/scripts").status_code == 404


@pytest.mark.parametrize(
    "suffix",
    [
        "/content/../h5p.json",
        "/content/%2e%2e/h5p.json",
        "/content/%2E%2E/%2E%2E/h5p.json",
        "/content/images/../../h5p.json",
        "/content/./content.json",
        "/content//etc/passwd",
        "/content/%2Fetc%2Fpasswd",
        "/content/..%2F..%2Fh5p.json",
        "/content/..%5C..%5Ch5p.json",
        "/content/.hidden",
        "/libraries/H5P.TrueFalse-1.6/../H5P.Question-1.4/library.json",
        "/libraries/H5P.TrueFalse-1.6/%2e%2e/%2e%2e/%2e%2e/content/content.json",
        "/libraries/H5P.TrueFalse-1.6//etc/passwd",
        "/libraries/H5P.TrueFalse-1.6/%2Fetc%2Fpasswd",
        "/libraries/..%2F..%2Flibraries%2FH5P.TrueFalse-1.6/library.json",
    ],
)
def test_paths_cannot_leave_the_package_folders(anonymous, base, suffix):
    assert anonymous.get(base + suffix).status_code == 404


def test_serving_a_file_takes_the_same_few_queries_whatever_the_file(anonymous, base):
    counts = []
    for suffix in (
        "/h5p.json",
        "/content/content.json",
        "/libraries/H5P.TrueFalse-1.6/library.json",
        "/libraries/H5P.JoubelUI-1.3/js/joubel-ui.js",
        "/libraries/H5P.Question-1.4/scripts/question.js",
    ):
        with CaptureQueriesContext(connection) as queries:
            response = anonymous.get(base + suffix)
            assert response.status_code == 200
            drain(response)
        counts.append(len(queries))

    assert max(counts) <= 1, counts


def test_the_player_page_takes_a_constant_number_of_queries(anonymous, base, person, version):
    with CaptureQueriesContext(connection) as without_state:
        anonymous.get(base + "/")
    UserData.objects.create(user=person, activity=version.activity, version=version, data="{}")
    with CaptureQueriesContext(connection) as with_state:
        anonymous.get(base + "/")

    assert len(without_state) == len(with_state) <= 2


def render_block(activity, *, user, rule: str = "completed") -> str:
    block = H5PActivityBlock()
    value = block.to_python({"activity": activity.pk, "rule": rule, "min_score": None, "intro": "Giới thiệu"})
    request = RequestFactory().get("/")
    request.user = user
    with translation.override("en"):
        return block.render(value, context={"request": request, "page": SimpleNamespace(pk=LESSON_ID)})


def test_the_block_frames_the_player_whose_own_policy_makes_it_opaque(version, person):
    html = render_block(version.activity, user=person)

    frame = re.search(r"<iframe[^>]*>", html).group(0)
    # The attribute keeps the frame's limits (no popups, forms, top navigation) for every document in it; the
    # player page's own `sandbox allow-scripts` gives it an opaque origin, which a service worker can serve
    # from a downloaded course (docs/offline.md, "H5P activities offline").
    assert 'sandbox="allow-scripts allow-same-origin"' in frame
    src = re.search(r'src="([^"]+)"', frame).group(1)
    player = Client().get(src)
    assert player["Content-Security-Policy"].startswith("sandbox allow-scripts;")
    assert 'class="h5p-player"' in frame and 'referrerpolicy="no-referrer"' in frame
    assert 'src="/h5p/choi/' in frame
    assert 'data-xapi-url="/hoat-dong/xapi/"' in html and 'data-state-url="/hoat-dong/trang-thai/"' in html
    assert f'data-lesson="{LESSON_ID}"' in html and f'data-version="{version.pk}"' in html
    assert 'aria-live="polite"' in html and "Not done yet" in html
    assert "This activity needs JavaScript" in html and "js/h5p-lesson.js" in html


def test_the_block_shows_the_learners_result(version, person):
    statement = Statement.objects.create(
        statement_id=uuid.uuid4(),
        user=person,
        activity=version.activity,
        version=version,
        lesson=Page.get_first_root_node(),
        verb="http://adlnet.gov/expapi/verbs/answered",
        payload={},
    )
    Result.objects.create(
        user=person,
        activity=version.activity,
        version=version,
        statement=statement,
        score_raw=Decimal(1),
        score_max=Decimal(2),
        score_scaled=Decimal("0.5"),
        completion=True,
        best_scaled=Decimal("0.5"),
        first_completed_at=timezone.now(),
    )

    html = render_block(version.activity, user=person)

    assert re.search(r"Done\s*· Your score: 50%", html)


def test_the_block_without_a_version_says_the_activity_is_not_available(version, person):
    activity = version.activity
    activity.current_version = None
    activity.save(update_fields=["current_version"])

    html = render_block(activity, user=person)

    assert "This activity is not available yet." in html and "<iframe" not in html


def test_the_block_asks_an_anonymous_visitor_to_log_in(version):
    html = render_block(version.activity, user=AnonymousUser())

    assert "Log in to take part in this activity." in html and "<iframe" not in html
