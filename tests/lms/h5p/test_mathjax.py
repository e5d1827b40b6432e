"""MathJax for H5P.MathDisplay: served from our own static files (npm mathjax, pinned), handed to the player
as H5P library configuration instead of the public CDN MathDisplay falls back to."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from lms.h5p import player as h5p_player
from lms.h5p.mathjax import MathJaxFinder, library_config
from tests.builders import UserFactory
from tests.h5p_builders import store_package


def test_mathjax_is_pinned_to_an_exact_version_in_package_json():
    root = Path(settings.BASE_DIR)
    wanted = json.loads((root / "package.json").read_text())["dependencies"]["mathjax"]
    locked = json.loads((root / "package-lock.json").read_text())["packages"]["node_modules/mathjax"]
    assert wanted == locked["version"] and wanted.startswith("2.")  # MathDisplay 1.0 calls MathJax 2's Hub


def test_the_static_files_hold_what_the_configuration_loads_and_not_the_rest_of_the_package():
    for path in (
        "MathJax.js",
        "extensions/tex2jax.js",
        "jax/input/TeX/config.js",
        "jax/input/TeX/jax.js",
        "jax/output/SVG/jax.js",
        "jax/output/SVG/fonts/TeX/fontdata.js",
        "jax/element/mml/jax.js",
    ):
        assert finders.find(f"vendor/mathjax/{path}"), path
    for path in ("jax/output/SVG/fonts/STIX-Web/fontdata.js", "unpacked/MathJax.js", "package.json", "../x"):
        assert not finders.find(f"vendor/mathjax/{path}"), path
    listed = [path for path, _storage in MathJaxFinder().list([])]
    assert "MathJax.js" in listed and not any(path.startswith(("unpacked/", "test/")) for path in listed)


def test_the_player_gives_mathdisplay_our_mathjax_and_never_a_cdn(db, h5p_bytes):
    version = store_package(h5p_bytes)
    url = h5p_player.player_url(user=UserFactory(username="hocvien_toan"), version=version, lesson_id=1)

    response = Client().get(url)

    renderer = response.context["options"]["libraryConfig"]["H5P.MathDisplay"]["renderer"]["mathjax"]
    assert renderer["src"] == "/static/vendor/mathjax/MathJax.js"
    assert renderer["config"]["jax"] == ["input/TeX", "output/SVG"]  # no web fonts to fetch
    assert "cdnjs" not in response.content.decode()
    assert library_config() == response.context["options"]["libraryConfig"]
