"""Vietnamese for the Wagtail and Django admin: the override catalogue in locale_overrides/.

Wagtail and Django ship Vietnamese for part of their admin strings only. The project completes them in
locale_overrides/vi/LC_MESSAGES/{django,djangojs}.po, a catalogue kept apart from the project's own
locale/ so that it can be refreshed when Wagtail or Django is upgraded. It comes second in LOCALE_PATHS:
the project's own catalogue first, then the overrides, then the packages (Django gives LOCALE_PATHS
precedence over the apps' catalogues, also for the djangojs domain that Wagtail's admin JavaScript reads).

    .venv/bin/python scripts/admin_translations.py status     # counts per package catalogue
    .venv/bin/python scripts/admin_translations.py list       # admin strings still without Vietnamese
    .venv/bin/python scripts/admin_translations.py refresh    # add new strings to the overrides, drop gone

The English catalogues (<package>/locale/en/LC_MESSAGES/*.po) list every msgid of a package. A string is
translated when the package's own Vietnamese catalogue, the project's catalogue or the override has a
non-fuzzy translation for it. `refresh` keeps every translation already in the override (also those that
deliberately replace a package's Vietnamese) and adds the untranslated strings with an empty msgstr.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
OVERRIDES = ROOT / "locale_overrides" / "vi" / "LC_MESSAGES"
PROJECT = ROOT / "locale" / "vi" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")
# The apps whose strings an administrator, trainer or HR manager can meet in the admin.
ADMIN_APPS = ("wagtail", "taggit", "django_filters", "django.contrib.admin", "django.contrib.auth")
HEADER = {
    "Project-Id-Version": "SmartWard Learn admin overrides",
    "PO-Revision-Date": "2026-12-05 07:00+0700",
    "Last-Translator": "SmartWard Learn team",
    "Language-Team": "Vietnamese",
    "Language": "vi",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
}

Key = tuple[str | None, str]  # (msgctxt, msgid)

# Workflow buttons say "Gửi duyệt" / "Gửi duyệt lại", not "Gửi duyệt theo Duyệt khóa học": their Vietnamese
# leaves the name out on purpose. Python's % with a dict ignores a key the text does not use, but msgfmt -c
# refuses a python-format entry without it, so these entries carry no format flag.
WITHOUT_PLACEHOLDER = frozenset({"Submit to %(workflow_name)s", "Resubmit to %(task_name)s"})


@dataclass
class Source:
    """One package catalogue: its English msgids and its own Vietnamese."""

    name: str
    domain: str
    english: polib.POFile
    vietnamese: polib.POFile | None


def _english_po(locale_dir: Path, domain: str) -> Path | None:
    english = locale_dir / "en" / "LC_MESSAGES" / f"{domain}.po"
    if english.exists():
        return english
    # django-filter ships no English catalogue: any other language lists the same msgids.
    others = sorted(locale_dir.glob(f"*/LC_MESSAGES/{domain}.po"))
    return others[0] if others else None


def sources() -> list[Source]:
    """The admin catalogues of the installed apps, and Django's own (forms, validation, dates)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    sys.path.insert(0, str(ROOT))
    import django
    from django.apps import apps

    django.setup()
    locale_dirs = [("django", Path(django.__file__).parent / "conf" / "locale")]
    for config in apps.get_app_configs():
        if config.name == "wagtail" or config.name.startswith(ADMIN_APPS):
            locale_dirs.append((config.name, Path(config.path) / "locale"))
    found = []
    for name, locale_dir in locale_dirs:
        for domain in DOMAINS:
            english = _english_po(locale_dir, domain)
            if english is None:
                continue
            vietnamese = locale_dir / "vi" / "LC_MESSAGES" / f"{domain}.po"
            found.append(
                Source(
                    name=name,
                    domain=domain,
                    english=polib.pofile(str(english)),
                    vietnamese=polib.pofile(str(vietnamese)) if vietnamese.exists() else None,
                )
            )
    return found


def key(entry: polib.POEntry) -> Key:
    return (entry.msgctxt, entry.msgid)


def translated(catalogue: polib.POFile | None) -> dict[Key, polib.POEntry]:
    if catalogue is None:
        return {}
    return {key(e): e for e in catalogue if e.translated() and not e.obsolete}


def load(path: Path) -> polib.POFile | None:
    return polib.pofile(str(path)) if path.exists() else None


def known_vietnamese(all_sources: list[Source], domain: str) -> dict[Key, polib.POEntry]:
    """What gettext finds without the overrides: every package's Vietnamese, then the project's."""
    merged: dict[Key, polib.POEntry] = {}
    for source in all_sources:
        if source.domain == domain:
            merged.update(translated(source.vietnamese))
    merged.update(translated(load(PROJECT / f"{domain}.po")))
    return merged


def admin_entries(all_sources: list[Source], domain: str) -> dict[Key, tuple[str, polib.POEntry]]:
    entries: dict[Key, tuple[str, polib.POEntry]] = {}
    for source in all_sources:
        if source.domain != domain:
            continue
        for entry in source.english:
            if entry.msgid and not entry.obsolete:
                entries.setdefault(key(entry), (source.name, entry))
    return entries


def report(all_sources: list[Source]) -> tuple[Counter, Counter, list[tuple[str, str, Key]]]:
    totals, done, missing = Counter(), Counter(), []
    for domain in DOMAINS:
        packages = known_vietnamese(all_sources, domain)
        overrides = translated(load(OVERRIDES / f"{domain}.po"))
        for k, (name, _entry) in admin_entries(all_sources, domain).items():
            label = f"{name} ({domain})"
            totals[label] += 1
            if k in packages or k in overrides:
                done[label] += 1
            else:
                missing.append((label, domain, k))
    return totals, done, missing


def status(all_sources: list[Source]) -> int:
    totals, done, missing = report(all_sources)
    width = max(len(label) for label in totals)
    for label in sorted(totals):
        print(f"{label:<{width}}  {done[label]:>5} / {totals[label]:<5} translated")
    print(f"{'Total':<{width}}  {sum(done.values()):>5} / {sum(totals.values()):<5} translated")
    return 0


def list_missing(all_sources: list[Source]) -> int:
    _totals, _done, missing = report(all_sources)
    for label, _domain, (context, msgid) in missing:
        prefix = f"[{context}] " if context else ""
        print(f"{label}: {prefix}{msgid!r}")
    print(f"{len(missing)} admin strings without Vietnamese.", file=sys.stderr)
    return 1 if missing else 0


def refresh(all_sources: list[Source]) -> int:
    OVERRIDES.mkdir(parents=True, exist_ok=True)
    for domain in DOMAINS:
        path = OVERRIDES / f"{domain}.po"
        old = translated(load(path))
        packages = known_vietnamese(all_sources, domain)
        catalogue = polib.POFile(wrapwidth=79)
        catalogue.metadata = HEADER
        for k, (name, english) in sorted(admin_entries(all_sources, domain).items(), key=_order):
            previous = old.get(k)
            if previous is None and k in packages:
                continue
            entry = polib.POEntry(
                msgctxt=english.msgctxt,
                msgid=english.msgid,
                msgid_plural=english.msgid_plural,
                comment=name,
                occurrences=english.occurrences[:2],
                flags=[]
                if english.msgid in WITHOUT_PLACEHOLDER
                else [f for f in english.flags if f.endswith("-format")],
            )
            if english.msgid_plural:
                entry.msgstr_plural = {0: previous.msgstr_plural.get(0, "") if previous else ""}
            else:
                entry.msgstr = previous.msgstr if previous else ""
            catalogue.append(entry)
        catalogue.save(str(path))
        if shutil.which("msgcat"):  # gettext's own line wrapping, as in locale/: small diffs
            subprocess.run(["msgcat", "-o", str(path), str(path)], check=True)  # noqa: S603, S607
        empty = len(catalogue.untranslated_entries())
        print(f"Wrote {path.relative_to(ROOT)}: {len(catalogue)} entries, {empty} without Vietnamese")
    return 0


def _order(item: tuple[Key, tuple[str, polib.POEntry]]) -> tuple:
    (context, msgid), (name, english) = item
    where = english.occurrences[0][0] if english.occurrences else ""
    return (name, where, context or "", msgid)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["status", "list", "refresh"])
    args = parser.parse_args(argv)
    all_sources = sources()
    return {"status": status, "list": list_missing, "refresh": refresh}[args.command](all_sources)


if __name__ == "__main__":
    sys.exit(main())
