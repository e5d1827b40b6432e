"""Media on other sites: found in content.json at upload, the trainer warned (upload kept), the list stored on
the content version, the sites listed for the administrator (blocked by default), and the player's policy
adding only the allowed sites that version names."""

import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from lms.audit.models import AuditEntry
from lms.h5p import player as h5p_player
from lms.h5p.external_media import csp_sources, external_media_urls, url_host
from lms.h5p.models import Activity, ExternalMediaHost
from tests.builders import UserFactory, client_for
from tests.h5p_builders import store_package, thirdparty_path

from .conftest import rebuild, upload

pytestmark = pytest.mark.django_db

VIDEO = "https://h5p.org/sites/default/files/h5p/iv.mp4"
ADD_URL = reverse("wagtailsnippets_h5p_activity:add")


def content_of(name: str) -> dict:
    with zipfile.ZipFile(thirdparty_path(name)) as archive:
        return json.loads(archive.read("content/content.json"))


def with_external_media(h5p_bytes: bytes, *urls: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(h5p_bytes)) as archive:
        content = json.loads(archive.read("content/content.json"))
    images = "".join(f'<img src="{url}">' for url in urls)
    content["question"] = f"<p>Is this false?</p>{images}"
    return rebuild(h5p_bytes, replace={"content/content.json": json.dumps(content).encode()})


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_the_real_packages_media_on_other_sites_are_found():
    assert external_media_urls(content_of("H5P.InteractiveVideo.h5p")) == [VIDEO]
    presentation = external_media_urls(content_of("H5P.CoursePresentation.h5p"))
    assert VIDEO in presentation and "https://platform.twitter.com/widgets.js" in presentation
    assert external_media_urls(content_of("H5P.MultiChoice.h5p")) == []
    assert external_media_urls(content_of("questionset-with-mathdisplay.h5p")) == []


def test_paths_html_sources_and_youtube_are_found_and_links_are_not():
    content = {
        "video": {"files": [{"path": "https://www.youtube.com/watch?v=abc", "mime": "video/YouTube"}]},
        "local": {"path": "images/a.png"},
        "text": '<p><a href="https://example.org/read">a link</a><img src="https://img.example.org/a.png"></p>',
        "link": {"url": "https://example.org/not-loaded"},
        "again": {"path": "https://www.youtube.com/watch?v=abc", "mime": "video/YouTube"},
    }
    assert external_media_urls(content) == [
        "https://www.youtube.com/watch?v=abc",
        "https://www.youtube.com/iframe_api",
        "https://img.example.org/a.png",
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example;script-src */x.png",
        "https://a b.example/x.png",
        "https://'self'/x.png",
        "https://[::1]/x.png",
        "https://exa%20mple.org/x.png",
        "http://*/x.png",
    ],
)
def test_a_host_that_is_not_a_plain_name_never_reaches_a_policy(url):
    assert url_host(url) is None
    ExternalMediaHost.objects.create(host="evil.example", allowed=True)
    assert csp_sources([url]) == []


def test_upload_keeps_the_package_warns_the_trainer_in_vietnamese_and_lists_the_sites(trainer, h5p_bytes):
    data = with_external_media(h5p_bytes, "https://h5p.org/a.png", "https://cdn.example.org/b.png")

    with translation.override("vi"):
        response = client_for(trainer).post(
            ADD_URL, {"title": "Ảnh ngoài", "file": upload(data)}, HTTP_ACCEPT_LANGUAGE="vi", follow=True
        )

    activity = Activity.objects.get(title="Ảnh ngoài")
    assert activity.current_version.external_media == [
        "https://h5p.org/a.png",
        "https://cdn.example.org/b.png",
    ]
    messages = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    warning = [text for text in messages if "https://h5p.org/a.png" in text]
    assert len(warning) == 1
    assert "trang ngoài" in warning[0] and "https://h5p.org/a.png" in warning[0]
    assert "cdn.example.org, h5p.org" in warning[0]
    assert dict(ExternalMediaHost.objects.values_list("host", "allowed")) == {
        "h5p.org": False,
        "cdn.example.org": False,
    }
    # The inspect page lists them, each with its site's state.
    page = client_for(trainer).get(reverse("wagtailsnippets_h5p_activity:inspect", args=[activity.pk]))
    assert "https://cdn.example.org/b.png" in page.content.decode()


def test_the_player_policy_adds_only_the_allowed_sites_of_that_version(h5p_bytes):
    person = UserFactory(username="hocvien_media")
    external = store_package(
        with_external_media(h5p_bytes, "https://h5p.org/a.png", "https://other.org/b.png")
    )
    plain = store_package(h5p_bytes)

    def player(version):
        return Client().get(h5p_player.player_url(user=person, version=version, lesson_id=1))

    default = policy(player(external))
    assert default["img-src"] == ["'self'", "http://testserver", "data:", "blob:"]  # default off

    ExternalMediaHost.objects.filter(host="h5p.org").update(allowed=True)
    response = player(external)
    directives = policy(response)
    for directive in ("img-src", "media-src", "frame-src", "script-src"):
        assert "https://h5p.org" in directives[directive], directive
        assert "https://other.org" not in directives[directive]
    # Reads stay on the site (blob: is the frame's own stored files, docs/offline.md), never the media site.
    assert directives["connect-src"] == ["'self'", "http://testserver", "blob:"]
    assert 'data-allowed-hosts="h5p.org"' in response.content.decode()
    assert "https://h5p.org" not in player(plain)["Content-Security-Policy"]


def test_an_administrator_allows_a_site_with_an_audit_entry_and_a_trainer_cannot(administrator, trainer):
    host = ExternalMediaHost.objects.create(host="h5p.org")
    edit = reverse("h5p_media_hosts:edit", args=[host.pk])

    assert client_for(administrator).get(reverse("h5p_media_hosts:index")).status_code == 200
    response = client_for(administrator).post(edit, {"allowed": "on", "note": "Video mẫu"})
    assert response.status_code == 302
    host.refresh_from_db()
    assert host.allowed and host.updated_by == administrator
    entry = AuditEntry.objects.get(action=AuditEntry.Action.MEDIA_HOST_CHANGE)
    assert entry.changes["allowed"] == [False, True] and entry.actor == administrator

    for url in (reverse("h5p_media_hosts:index"), edit):
        assert client_for(trainer).get(url).status_code in (302, 403)
    client_for(trainer).post(edit, {"note": "x"})
    host.refresh_from_db()
    assert host.allowed and host.note == "Video mẫu"
    learner = UserFactory(username="hocvien_thuong")
    assert client_for(learner).get(reverse("h5p_media_hosts:index")).status_code in (302, 403)
