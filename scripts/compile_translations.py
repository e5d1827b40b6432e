"""Compile locale/*/LC_MESSAGES/*.po and the admin overrides (locale_overrides/) into .mo files (no system
gettext needed)."""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent

CATALOGUES = [*ROOT.glob("locale/*/LC_MESSAGES/*.po"), *ROOT.glob("locale_overrides/*/LC_MESSAGES/*.po")]

for po_path in sorted(CATALOGUES):
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        continue
    polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
    print(f"Compiled {po_path.relative_to(ROOT)}")
