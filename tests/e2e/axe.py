"""axe-core in the browser tests: injected from node_modules (package.json) as a script tag (the admin's CSP
allows inline scripts), run through Playwright's evaluate."""

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[dict]:
    if not AXE.is_file():
        pytest.skip("axe-core is missing: run `npm ci` (scripts/bootstrap)")
    # Wagtail's editor loads its own axe with its content checks (e.g. empty-meta-description, for the
    # published page, not the admin): ours replaces it, with axe's standard rules only.
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("() => { window.axe.reset(); return window.axe.run(document); }")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v.get("help", ""),
            "nodes": [node.get("html", str(node.get("target")))[:200] for node in v["nodes"]][:5],
        }
        for v in results["violations"]
    ]
