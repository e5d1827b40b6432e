"""The production settings pass Django's deployment checklist (`manage.py check --deploy`) with no warning,
and the HTTPS settings an operator may need to change come from the environment (docs/operations.md)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def production_env(**extra: str) -> dict[str, str]:
    """What production needs and nothing inherited that could change the settings (DEBUG, SECURE_…)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(ROOT)),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        # The checks do not connect: nothing needs to listen there.
        "DATABASE_URL": "postgres://smartward:secret@127.0.0.1:5432/smartward",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "ALLOWED_HOSTS": "hocvien.example.gov.vn",
    }
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 — our own interpreter and arguments
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


SHOWN = {
    "redirect": "SECURE_SSL_REDIRECT",
    "exempt": "SECURE_REDIRECT_EXEMPT",
    "hsts": "SECURE_HSTS_SECONDS",
    "subdomains": "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "preload": "SECURE_HSTS_PRELOAD",
    "proxy": "SECURE_PROXY_SSL_HEADER",
    "frames": "X_FRAME_OPTIONS",
    "referrer": "SECURE_REFERRER_POLICY",
    "nosniff": "SECURE_CONTENT_TYPE_NOSNIFF",
}


def production_settings(**extra: str) -> dict:
    """The settings production would run with in this environment (read in a fresh interpreter)."""
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{key: getattr(settings, name) for key, name in {SHOWN!r}.items()}}))"
    )
    result = run(["-c", code], production_env(**extra))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_reports_nothing_with_the_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "DEBUG"], production_env())

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "security." not in output, output


def test_production_defaults_are_https_only_and_deny_framing():
    settings = production_settings()

    assert settings["redirect"] is True
    assert settings["hsts"] == 365 * 24 * 3600
    assert settings["subdomains"] is True
    assert settings["preload"] is False
    assert settings["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert settings["frames"] == "DENY"
    assert settings["referrer"] == "same-origin"
    assert settings["nosniff"] is True


def test_an_operator_can_change_the_https_settings_from_the_environment():
    settings = production_settings(
        SECURE_SSL_REDIRECT="0",
        SECURE_REDIRECT_EXEMPT=r"^suc-khoe/$",
        SECURE_HSTS_SECONDS="600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Protocol",
    )

    assert settings["redirect"] is False
    assert settings["exempt"] == [r"^suc-khoe/$"]
    assert settings["hsts"] == 600
    assert settings["subdomains"] is False
    assert settings["proxy"] == ["HTTP_X_FORWARDED_PROTOCOL", "https"]
    assert production_settings(SECURE_PROXY_SSL_HEADER="")["proxy"] is None
