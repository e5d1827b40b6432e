"""Serving H5P files (issue 13): byte ranges for video, the CORS preflight, addresses that stay the same from
view to view and are cached for a year, compression, the player's own origin, and a stable xAPI object id
with no grant in any stored statement."""

import gzip
import json
import time
import uuid

import brotli
import pytest
from django.core.files.base import ContentFile
from django.test import Client

from lms.h5p import assets
from lms.h5p import player as h5p_player
from lms.h5p.models import Statement
from lms.h5p.services import statement_record
from lms.h5p.storage import h5p_storage
from lms.h5p.xapi import statement_check
from tests.builders import UserFactory
from tests.h5p_builders import store_package

VIDEO = bytes(range(256)) * 40  # 10,240 bytes standing in for an MP4


@pytest.fixture
def version(db, h5p_bytes):
    stored = store_package(h5p_bytes)
    h5p_storage().save(f"{stored.storage_prefix}content/videos/clip.mp4", ContentFile(VIDEO))
    return stored


@pytest.fixture
def files(version) -> str:
    return f"/h5p/tep/{h5p_player.files_key(version.pk)}"


@pytest.fixture
def grant_base(version) -> str:
    person = UserFactory(username="hocvien_video")
    return h5p_player.player_url(user=person, version=version, lesson_id=1).rstrip("/")


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- Byte ranges -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["files", "grant_base"])
def test_a_range_of_a_video_is_served_206(request, address):
    base = request.getfixturevalue(address)
    response = Client().get(base + "/content/videos/clip.mp4", HTTP_RANGE="bytes=100-1099")

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-1099/{len(VIDEO)}"
    assert response["Content-Length"] == "1000"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/mp4"
    assert body(response) == VIDEO[100:1100]
    assert (
        response["X-Content-Type-Options"] == "nosniff" and response["Content-Security-Policy"] == "sandbox"
    )


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-", 0, len(VIDEO) - 1),
        ("bytes=-100", len(VIDEO) - 100, len(VIDEO) - 1),
        ("bytes=10000-99999", 10000, len(VIDEO) - 1),
    ],
)
def test_open_and_suffix_ranges(files, header, first, last):
    response = Client().get(files + "/content/videos/clip.mp4", HTTP_RANGE=header)

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(VIDEO)}"
    assert body(response) == VIDEO[first : last + 1]


def test_without_a_range_the_whole_file_says_ranges_are_accepted(files):
    response = Client().get(files + "/content/videos/clip.mp4")

    assert response.status_code == 200 and body(response) == VIDEO
    assert response["Accept-Ranges"] == "bytes"


def test_several_ranges_are_answered_with_the_whole_file(files):
    response = Client().get(files + "/content/videos/clip.mp4", HTTP_RANGE="bytes=0-9, 20-29")

    assert response.status_code == 200 and body(response) == VIDEO


@pytest.mark.parametrize(
    "header",
    [
        f"bytes={len(VIDEO)}-",  # starts at the end
        "bytes=999999-1000000",  # out of bounds
        "bytes=500-100",  # backwards
        "bytes=-0",
        "bytes=-",
        "bytes=abc-def",
        "bytes=1-2-3",
        "items=0-10",
        "bytes 0-10",
        "bytes=0-10,x",
        "bytes=99999999999999999999999999-",
    ],
)
def test_a_bad_or_out_of_bounds_range_is_416_never_500(files, grant_base, header):
    for base in (files, grant_base):
        response = Client().get(base + "/content/videos/clip.mp4", HTTP_RANGE=header)
        assert response.status_code == 416, (base, header)
        assert response["Content-Range"] == f"bytes */{len(VIDEO)}"
        assert response["X-Content-Type-Options"] == "nosniff"


# --- CORS preflight (H5P's sound library) ------------------------------------------------------------------


@pytest.mark.parametrize(
    "suffix", ["/content/videos/clip.mp4", "/h5p.json", "/libraries/H5P.TrueFalse-1.6/library.json"]
)
def test_the_cors_preflight_is_answered_without_a_grant_lookup(
    files, grant_base, suffix, django_assert_num_queries
):
    for base in (files, grant_base):
        with django_assert_num_queries(0):
            response = Client().options(
                base + suffix,
                HTTP_ORIGIN="null",
                HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
                HTTP_ACCESS_CONTROL_REQUEST_HEADERS="range,x-requested-with",
            )
        assert response.status_code == 204
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "GET" in response["Access-Control-Allow-Methods"]
        assert {"Range", "X-Requested-With"} <= set(response["Access-Control-Allow-Headers"].split(", "))
        assert "Access-Control-Allow-Credentials" not in response


def test_other_methods_are_still_refused(files):
    assert Client().post(files + "/h5p.json").status_code == 405
    assert Client().put(files + "/content/content.json").status_code == 405


# --- Addresses that stay the same, cached for a year ------------------------------------------------------


def test_the_player_page_names_the_same_file_addresses_on_every_view(version):
    person = UserFactory(username="hocvien_cache")
    first = Client().get(h5p_player.player_url(user=person, version=version, lesson_id=1))
    time.sleep(1.1)  # a grant signed a second later is another token
    second = Client().get(h5p_player.player_url(user=person, version=version, lesson_id=1))

    assert first.context["options"]["h5pJsonPath"] == second.context["options"]["h5pJsonPath"]
    assert first.context["main_js"] == second.context["main_js"]
    assert first["Cache-Control"] == "private, no-store"  # the page itself, with the grant and the state


def test_content_is_cached_privately_for_a_year_and_libraries_publicly(files):
    content = Client().get(files + "/content/content.json")
    library = Client().get(files + "/libraries/H5P.TrueFalse-1.6/scripts/h5p-true-false.js")

    assert content["Cache-Control"] == "private, max-age=31536000, immutable"
    assert library["Cache-Control"] == "public, max-age=31536000, immutable"
    for response in (content, library):
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "sandbox"
        assert "Set-Cookie" not in response.headers
        body(response)


def test_text_is_compressed_brotli_or_gzip(files):
    plain = body(Client().get(files + "/libraries/H5P.TrueFalse-1.6/scripts/h5p-true-false.js"))
    br = Client().get(
        files + "/libraries/H5P.TrueFalse-1.6/scripts/h5p-true-false.js", HTTP_ACCEPT_ENCODING="gzip, br"
    )
    gz = Client().get(
        files + "/libraries/H5P.TrueFalse-1.6/scripts/h5p-true-false.js", HTTP_ACCEPT_ENCODING="gzip"
    )

    assert br["Content-Encoding"] == "br" and brotli.decompress(br.content) == plain
    assert gz["Content-Encoding"] == "gzip" and gzip.decompress(gz.content) == plain
    assert len(br.content) < len(plain) / 2
    assert "Accept-Encoding" in br["Vary"]
    video = Client().get(files + "/content/videos/clip.mp4", HTTP_ACCEPT_ENCODING="br")
    assert "Content-Encoding" not in video and body(video) == VIDEO


def test_a_files_key_is_signed_and_expires(version, files):
    key = h5p_player.files_key(version.pk)
    number, window, mac = key.split("-")
    other = h5p_player.files_key(version.pk + 1)

    assert Client().get(f"/h5p/tep/{number}-{window}-{mac[:-1]}0/h5p.json").status_code == 404
    assert Client().get(f"/h5p/tep/{other.split('-')[0]}-{window}-{mac}/h5p.json").status_code == 404
    assert Client().get("/h5p/tep/nonsense/h5p.json").status_code == 404
    later = time.time() + 2 * h5p_player.FILES_WINDOW_SECONDS
    assert h5p_player.files_key_read(key) == version.pk
    assert h5p_player.files_key_read(key, now=time.time() + h5p_player.FILES_WINDOW_SECONDS) == version.pk
    assert h5p_player.files_key_read(key, now=later) is None


def test_a_files_key_reads_only_its_own_versions_libraries_and_stays_in_its_folder(files):
    assert Client().get(files + "/libraries/H5P.Nope-9.9/library.json").status_code == 404
    assert Client().get(files + "/content/../h5p.json").status_code == 404
    assert Client().get(files + "/content/%2e%2e/h5p.json").status_code == 404


def test_player_assets_are_content_addressed_immutable_and_compressed(db):
    build, _files = assets.build()
    url = assets.asset_url("vendor/h5p-standalone/main.bundle.js")
    response = Client().get(url, HTTP_ACCEPT_ENCODING="br")

    assert url == f"/h5p/nguon/{build}/vendor/h5p-standalone/main.bundle.js"
    assert response.status_code == 200 and response["Content-Encoding"] == "br"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Content-Type"].startswith("text/javascript")
    assert b"H5PStandalone" in brotli.decompress(response.content)
    assert Client().get(url.replace(build, "0" * 16)).status_code == 404
    assert Client().get(f"/h5p/nguon/{build}/../settings.py").status_code == 404
    assert Client().get(f"/h5p/nguon/{build}/lms/settings/base.py").status_code == 404


# --- The player's own origin -------------------------------------------------------------------------------


def test_on_its_own_origin_the_player_runs_same_origin_there_and_nothing_else_answers(settings, version):
    settings.H5P_PLAYER_ORIGIN = "http://h5p.testserver"
    person = UserFactory(username="hocvien_nguon")
    url = h5p_player.player_url(user=person, version=version, lesson_id=1, parent_origin="http://testserver/")

    assert url.startswith("http://h5p.testserver/h5p/choi/")
    player = Client(HTTP_HOST="h5p.testserver").get(url)
    policy = player["Content-Security-Policy"]
    assert player.status_code == 200
    assert "sandbox allow-scripts allow-same-origin" in policy
    assert "frame-ancestors http://testserver" in policy
    assert player.context["parent_origin"] == "http://testserver"
    # The same grant opened on the site's own origin runs in the opaque sandbox.
    here = Client().get(url.removeprefix("http://h5p.testserver"))
    assert here["Content-Security-Policy"].startswith("sandbox allow-scripts;")
    # No other page of the site answers on the player's origin.
    for path in ("/", "/tai-khoan/login/", "/admin/", "/hoat-dong/xapi/"):
        response = Client(HTTP_HOST="h5p.testserver").get(path)
        assert response.status_code == 404, path
        assert "Set-Cookie" not in response.headers
    assert Client().get("/tai-khoan/login/").status_code == 200


def test_without_its_own_origin_the_player_stays_opaque(version):
    url = h5p_player.player_url(
        user=UserFactory(username="hocvien_mo"),
        version=version,
        lesson_id=1,
        parent_origin="http://testserver",
    )

    assert url.startswith("/h5p/choi/")
    assert "allow-same-origin" not in Client().get(url)["Content-Security-Policy"]


# --- Stable activity identity ------------------------------------------------------------------------------


def test_the_xapi_object_id_is_one_iri_per_activity_version(version, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://hoc.example.vn"
    person = UserFactory(username="hocvien_iri")
    pages = [Client().get(h5p_player.player_url(user=person, version=version, lesson_id=1)) for _ in range(2)]
    other = Client().get(
        h5p_player.player_url(user=UserFactory(username="khac"), version=version, lesson_id=2)
    )

    iris = {page.context["options"]["xAPIObjectIRI"] for page in [*pages, other]}
    assert iris == {f"https://hoc.example.vn/h5p/hoat-dong/{version.activity_id}/phien-ban/{version.number}"}
    assert "/h5p/choi/" not in pages[0].context["options"]["xAPIObjectIRI"]


def test_a_statement_naming_the_player_address_is_stored_without_the_grant(version, grant_base, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://hoc.example.vn"
    person = UserFactory(username="hocvien_sach")
    iri = h5p_player.activity_iri(version)
    leaked = f"http://testserver{grant_base}/"
    statement = {
        "id": str(uuid.uuid4()),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": leaked, "definition": {"extensions": {"x": f"{grant_base}/content/content.json"}}},
        "context": {
            "contextActivities": {"category": [{"id": "http://h5p.org/libraries/H5P.TrueFalse-1.6"}]}
        },
        "result": {"score": {"raw": 1, "max": 1}, "success": True},
    }
    child = {**statement, "id": str(uuid.uuid4()), "object": {"id": leaked + "?subContentId=abc"}}

    for item in (statement, child):
        statement_record(user=person, version=version, lesson_id=1, checked=statement_check(item))

    stored = [json.dumps(row.payload) for row in Statement.objects.order_by("pk")]
    token = grant_base.rsplit("/", 1)[1]
    assert all(token not in text and "/h5p/choi/" not in text for text in stored)
    payloads = [json.loads(text) for text in stored]
    assert payloads[0]["object"]["id"] == iri
    assert payloads[1]["object"]["id"] == iri + "?subContentId=abc"
    # A file's address inside the content keeps its path: the IRI, then the file's own slash.
    assert payloads[0]["object"]["definition"]["extensions"]["x"] == iri + "/content/content.json"
    assert not Statement.objects.get(statement_id=child["id"]).is_top_level  # still seen as a child
