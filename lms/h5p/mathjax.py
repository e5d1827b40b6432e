"""MathJax for H5P.MathDisplay, served from our own static files instead of a public CDN.

H5P.MathDisplay 1.0 (in packages with formulas) reads `H5P.getLibraryConfig("H5P.MathDisplay")` and, when
the host gives no renderer, inserts MathJax 2.7.5 from cdnjs.cloudflare.com: the player's policy blocks it
and the package never starts. The player therefore hands it a renderer (`library_config`) pointing at the
npm package `mathjax` (2.x: MathDisplay 1.0 calls MathJax 2's `MathJax.Hub` API), pinned in package.json and
installed by scripts/bootstrap. The SVG output needs no web fonts (a sandboxed frame would need CORS for
them). `MathJaxFinder` publishes only the files that configuration loads (about 7 MB of the package's 73 MB)
under `static/vendor/mathjax/`.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import utils
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage
from django.templatetags.static import static

PREFIX = "vendor/mathjax"
# What MathJax.js loads for TeX in, SVG out: its jax, the extensions it may autoload, English messages.
PUBLISHED = (
    "MathJax.js",
    "jax/input/TeX/",
    "jax/element/",
    "jax/output/SVG/config.js",
    "jax/output/SVG/jax.js",
    "jax/output/SVG/autoload/",
    "jax/output/SVG/fonts/TeX/",
    "extensions/",
    "localization/en/",
)


def mathjax_root() -> Path:
    return Path(getattr(settings, "MATHJAX_ROOT", settings.BASE_DIR / "node_modules" / "mathjax"))


def _published(path: str) -> bool:
    return any(path == item or (item.endswith("/") and path.startswith(item)) for item in PUBLISHED)


class MathJaxFinder(BaseFinder):
    """Finds `vendor/mathjax/<path>` in node_modules/mathjax, for the published paths only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.root = mathjax_root()
        self.storage = FileSystemStorage(location=str(self.root))
        self.storage.prefix = PREFIX

    def check(self, **kwargs):
        # Like h5p-standalone's folder in settings: no warning when missing (it would make every start and
        # `check --deploy` noisy); tests/lms/h5p/test_mathjax.py fails instead.
        return []

    def find(self, path, find_all=False, **kwargs):
        # Like Django's finders: a path, or [] when nothing is found (or every match with find_all).
        if not path.startswith(PREFIX + "/"):
            return []
        relative = path[len(PREFIX) + 1 :]
        if not _published(relative) or ".." in relative.split("/") or not self.storage.exists(relative):
            return []
        found = self.storage.path(relative)
        return [found] if find_all else found

    def list(self, ignore_patterns):
        if not self.root.is_dir():
            return
        for path in utils.get_files(self.storage, ignore_patterns):
            if _published(path):
                yield path, self.storage


def library_config() -> dict:
    """`H5PIntegration.libraryConfig` for the player: MathDisplay renders with our MathJax."""
    return {
        "H5P.MathDisplay": {
            "renderer": {
                "mathjax": {
                    "src": static(f"{PREFIX}/MathJax.js"),
                    "config": {
                        "extensions": ["tex2jax.js"],
                        "jax": ["input/TeX", "output/SVG"],
                        "showMathMenu": False,
                        "messageStyle": "none",
                        "tex2jax": {"ignoreClass": "ckeditor"},
                        "SVG": {"font": "TeX"},
                        "menuSettings": {"zoom": "None"},
                    },
                }
            }
        }
    }
