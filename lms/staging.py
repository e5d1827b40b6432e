"""An uploaded file kept between a preview and its confirmation.

Import screens show what a file would do and write nothing until the person confirms. Meanwhile the upload
waits under a random name in the private storage (lms/storage.py: outside MEDIA_ROOT, no URL, never served
to anyone: the files hold names, emails and phone numbers); the confirmation form carries only a signed
token naming it, bound to the person who uploaded it and valid for `max_age` seconds. `claim` lets one
confirmation through per upload, even on a double click and across workers when the cache is shared.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.core import signing
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone

from lms.storage import private_storage


@dataclass(frozen=True)
class Staged:
    name: str
    filename: str
    data: bytes
    extra: dict = field(default_factory=dict)


class UploadStage:
    """Uploads of one import screen: files under `directory`, tokens signed with `salt`."""

    def __init__(self, *, directory: str, salt: str, extensions: tuple[str, ...], max_age: int = 60 * 60):
        self.directory = directory
        self.salt = salt
        self.max_age = max_age
        alternatives = "|".join(re.escape(e.lstrip(".")) for e in extensions)
        self._name = re.compile(rf"^{re.escape(directory)}/[0-9a-f]{{32}}\.({alternatives})$")

    def cleanup(self) -> None:
        """Forget uploads nobody confirmed or cancelled. Best effort: a storage that cannot list
        (NotImplementedError) or a file another request removed meanwhile must not fail the upload."""
        try:
            _dirs, files = private_storage().listdir(self.directory)
        except (FileNotFoundError, NotImplementedError, OSError):
            return
        cutoff = timezone.now() - timedelta(seconds=2 * self.max_age)
        for name in files:
            path_name = f"{self.directory}/{name}"
            try:
                if private_storage().get_modified_time(path_name) < cutoff:
                    private_storage().delete(path_name)
            except (FileNotFoundError, NotImplementedError, OSError):
                continue

    def stage(self, request, *, data: bytes, extension: str, filename: str, extra: dict | None = None) -> str:
        """Store the upload; returns the token the confirmation form carries."""
        self.cleanup()
        name = private_storage().save(f"{self.directory}/{uuid.uuid4().hex}{extension}", ContentFile(data))
        return self.sign(request, name=name, filename=filename, extra=extra)

    def sign(self, request, *, name: str, filename: str, extra: dict | None = None) -> str:
        """A token for an upload already stored (e.g. the same file previewed again with other options)."""
        payload = {"name": name, "user": request.user.pk, "filename": filename[:255], "extra": extra or {}}
        return signing.dumps(payload, salt=self.salt)

    def unstage(self, request, token: str, *, limit: int) -> Staged | None:
        """The upload a genuine, fresh token of this person names (at most limit + 1 bytes of it)."""
        try:
            payload = signing.loads(token or "", salt=self.salt, max_age=self.max_age)
        except signing.BadSignature:
            return None
        name = payload.get("name", "")
        if payload.get("user") != request.user.pk or not self._name.match(name):
            return None
        try:
            with private_storage().open(name, "rb") as handle:
                data = handle.read(limit + 1)
        except (FileNotFoundError, OSError):
            return None
        return Staged(
            name=name, filename=payload.get("filename", ""), data=data, extra=payload.get("extra", {})
        )

    def claim(self, staged: Staged) -> bool:
        """True for the first confirmation of this upload only."""
        return cache.add(f"staging:{staged.name}", 1, timeout=2 * self.max_age)

    def release(self, staged: Staged) -> None:
        """Let the upload be confirmed again (the import failed for a reason worth retrying)."""
        cache.delete(f"staging:{staged.name}")

    def discard(self, staged: Staged | None) -> None:
        if staged is not None:
            private_storage().delete(staged.name)
