"""axe-core (npm, pinned in package.json, installed by scripts/bootstrap) run inside the page under test.

The script is evaluated through Playwright (not a <script> tag), so the site's Content-Security-Policy
stays as it is. Every rule of axe's default set runs; any violation, whatever its impact, fails the test.
Ours is always the one that runs: Wagtail's editor loads its own axe with its content checks (e.g.
empty-meta-description, about the published page, not the admin), which `axe.reset()` leaves out."""

import os
from functools import cache
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is required in CI: run scripts/bootstrap (npm ci).")
        pytest.skip("axe-core is not installed: run scripts/bootstrap (npm ci).")
    page.evaluate(_axe_source())
    return page.evaluate(
        """async () => {
            window.axe.reset();
            const result = await window.axe.run(document, { resultTypes: ["violations"] });
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
            }));
        }"""
    )


def assert_no_axe_violation(page, where: str = "") -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core on {where or page.url}: {violations}"
