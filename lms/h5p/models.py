"""H5P activities: libraries, uploaded content with its versions, xAPI statements and results.

Files live in the private storage (lms/storage.py; never served by the web server, only by the sandboxed
player views). A library row is one machine name, major.minor version *and content* (`content_hash`, over
its files): a package that brings a library the store already holds byte for byte uses that row; one that
brings different bytes for the same version gets a row of its own, used only by its own package. A new row
serves other packages (those that rely on the store for it) only once an administrator has approved it
(`approved_at`; at most one approved row per version). Each row's files sit under its own `storage_prefix`
(`h5p/libraries/<Machine.Name>-<major>.<minor>/<random>/`: a folder only the upload that created the row
ever wrote, so no other upload can overwrite or delete it); each content version under its own
`storage_prefix`. The player still sees a library at `…/libraries/<Machine.Name>-<major>.<minor>/`.
Scores here were computed in the learner's browser by the H5P content type, never by the server: every
result and statement says so (`computed_in_browser`), and reports must keep that distinction.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

LIBRARIES_ROOT = "h5p/libraries"
CONTENT_ROOT = "h5p/content"
RANDOM_PART_LENGTH = 32  # uuid4().hex


def content_prefix() -> str:
    """A new, unique folder for the files of one content version."""
    return f"{CONTENT_ROOT}/{uuid.uuid4().hex}/"


def library_prefix(folder_name: str) -> str:
    """A new, unique folder for the files of one library row."""
    return f"{LIBRARIES_ROOT}/{folder_name}/{uuid.uuid4().hex}/"


class Library(models.Model):
    machine_name = models.CharField(_("machine name"), max_length=127)
    major_version = models.PositiveSmallIntegerField(_("major version"))
    minor_version = models.PositiveSmallIntegerField(_("minor version"))
    patch_version = models.PositiveSmallIntegerField(_("patch version"), default=0)
    title = models.CharField(_("title"), max_length=255, blank=True)
    runnable = models.BooleanField(_("runnable"), default=False)
    metadata = models.JSONField(_("library.json"), default=dict, blank=True)
    # SHA-256 over the library's files (their paths and bytes, see libraries.content_hash); "" for a
    # library stored before hashes existed until `move_private_files` computes it.
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True, default="")
    # Unique per upload, never a fixed path: two uploads of the same new library write to different
    # folders, and the one whose row commits is the one served (see storage.package_store).
    storage_prefix = models.CharField(_("storage folder"), max_length=255, unique=True)
    created_at = models.DateTimeField(_("stored at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )

    class Meta:
        ordering = ["machine_name", "major_version", "minor_version", "-approved_at", "created_at"]
        verbose_name = _("H5P library")
        verbose_name_plural = _("H5P libraries")
        permissions = [("approve_library", _("Can approve H5P libraries for every activity"))]
        constraints = [
            models.UniqueConstraint(
                fields=["machine_name", "major_version", "minor_version", "content_hash"],
                name="h5p_library_one_per_content",
            ),
            models.UniqueConstraint(
                fields=["machine_name", "major_version", "minor_version"],
                condition=Q(approved_at__isnull=False),
                name="h5p_library_one_approved_per_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.machine_name} {self.major_version}.{self.minor_version}.{self.patch_version}"

    def save(self, *args, **kwargs):
        if not self.storage_prefix:
            self.storage_prefix = library_prefix(self.folder_name)
        super().save(*args, **kwargs)

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def folder_name(self) -> str:
        """The folder name H5P uses for this library, and the one in the player's URLs."""
        return f"{self.machine_name}-{self.major_version}.{self.minor_version}"


class Activity(models.Model):
    """An H5P activity trainers place in lessons. Uploading a new package adds a version; results stay."""

    title = models.CharField(_("title"), max_length=255)
    current_version = models.ForeignKey(
        "ContentVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("H5P activity")
        verbose_name_plural = _("H5P activities")

    def __str__(self) -> str:
        return self.title


class ContentVersion(models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="versions", verbose_name=_("activity")
    )
    number = models.PositiveIntegerField(_("version"))
    main_library = models.ForeignKey(
        Library, on_delete=models.PROTECT, related_name="+", verbose_name=_("main library")
    )
    libraries = models.ManyToManyField(Library, related_name="content_versions", verbose_name=_("libraries"))
    h5p_json = models.JSONField(_("h5p.json"))
    storage_prefix = models.CharField(_("storage folder"), max_length=255, unique=True)
    original_filename = models.CharField(_("file name"), max_length=255, blank=True)
    file_count = models.PositiveIntegerField(_("files"), default=0)
    total_bytes = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # http(s) addresses in content.json that the player would load from other sites (external_media.py);
    # they load only from sites an administrator allowed (ExternalMediaHost).
    external_media = models.JSONField(_("media on other sites"), default=list, blank=True)

    class Meta:
        ordering = ["activity", "-number"]
        verbose_name = _("H5P content version")
        verbose_name_plural = _("H5P content versions")
        constraints = [
            models.UniqueConstraint(fields=["activity", "number"], name="h5p_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} v{self.number}"

    @property
    def main_library_name(self) -> str:
        return str(self.h5p_json.get("mainLibrary", ""))


class Statement(models.Model):
    """One xAPI statement as the learner's browser sent it. Append-only: never updated or deleted."""

    statement_id = models.UUIDField(_("statement id"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="statements", verbose_name=_("activity")
    )
    version = models.ForeignKey(
        ContentVersion, on_delete=models.PROTECT, related_name="statements", verbose_name=_("version")
    )
    # No database constraint: the record outlives a deleted lesson page and keeps its id.
    lesson = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("lesson"),
    )
    verb = models.CharField(_("verb"), max_length=255)
    is_top_level = models.BooleanField(_("result of the whole activity"), default=False)
    score_raw = models.DecimalField(_("raw score"), max_digits=9, decimal_places=2, null=True, blank=True)
    score_max = models.DecimalField(_("maximum score"), max_digits=9, decimal_places=2, null=True, blank=True)
    score_scaled = models.DecimalField(
        _("scaled score"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    success = models.BooleanField(_("success"), null=True, blank=True)
    completion = models.BooleanField(_("completion"), null=True, blank=True)
    duration = models.CharField(_("duration"), max_length=64, blank=True)
    computed_in_browser = models.BooleanField(_("computed in the browser"), default=True, editable=False)
    payload = models.JSONField(_("statement"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("xAPI statement")
        verbose_name_plural = _("xAPI statements")
        indexes = [models.Index(fields=["user", "activity", "received_at"])]

    def __str__(self) -> str:
        return f"{self.verb} {self.statement_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("xAPI statements are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("xAPI statements are append-only.")


class Result(models.Model):
    """A learner's current result for an activity, from the latest top-level completed/answered statement
    (and, for the rule "viewed", the first sign that the learner went through the content)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="h5p_results", verbose_name=_("user")
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="results", verbose_name=_("activity")
    )
    version = models.ForeignKey(
        ContentVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("version")
    )
    statement = models.ForeignKey(
        Statement, on_delete=models.PROTECT, related_name="+", verbose_name=_("latest statement")
    )
    score_raw = models.DecimalField(_("raw score"), max_digits=9, decimal_places=2, null=True, blank=True)
    score_max = models.DecimalField(_("maximum score"), max_digits=9, decimal_places=2, null=True, blank=True)
    score_scaled = models.DecimalField(
        _("scaled score"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    success = models.BooleanField(_("success"), null=True, blank=True)
    completion = models.BooleanField(_("completion"), default=False)
    duration = models.CharField(_("duration"), max_length=64, blank=True)
    computed_in_browser = models.BooleanField(_("computed in the browser"), default=True, editable=False)
    best_scaled = models.DecimalField(
        _("best scaled score"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    ever_passed = models.BooleanField(_("passed at least once"), default=False)
    # True when `success` was decided here from the score and the pass mark, because the content type
    # sends no result.success (compatibility.py); the statement itself stays as the browser sent it.
    success_inferred = models.BooleanField(_("passed/failed decided from the score"), default=False)
    # The learner viewed or interacted with the content (rule "viewed"): a statement of the content's own,
    # or the lesson page's "I have finished viewing" button.
    viewed_at = models.DateTimeField(_("first viewed at"), null=True, blank=True)
    first_completed_at = models.DateTimeField(_("first completed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("H5P result")
        verbose_name_plural = _("H5P results")
        constraints = [
            models.UniqueConstraint(fields=["user", "activity"], name="h5p_result_one_per_user_activity"),
            models.CheckConstraint(
                condition=Q(score_scaled__isnull=True) | Q(score_scaled__gte=0, score_scaled__lte=1),
                name="h5p_result_scaled_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.activity}"


class UserData(models.Model):
    """H5P content user data (the resume state), saved from the lesson page, restored in the player."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="+", verbose_name=_("activity")
    )
    version = models.ForeignKey(
        ContentVersion, on_delete=models.CASCADE, related_name="+", verbose_name=_("version")
    )
    data_type = models.CharField(_("data type"), max_length=64, default="state")
    sub_content_id = models.CharField(_("sub-content id"), max_length=64, blank=True, default="")
    data = models.TextField(_("data"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("H5P saved state")
        verbose_name_plural = _("H5P saved states")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "activity", "data_type", "sub_content_id"], name="h5p_user_data_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.activity_id} {self.data_type}"


class ExternalMediaHost(models.Model):
    """A site that H5P content loads media from (a video on h5p.org, a YouTube or Twitter embed). Listed when
    an uploaded package first names it; the player's policy lets it load only once an administrator allows
    it (external_media.py), for the activities that name it."""

    host = models.CharField(_("site"), max_length=253, unique=True)
    allowed = models.BooleanField(
        _("may load"),
        default=False,
        help_text=_(
            "Let H5P activities that name this site load their media, embeds and the site's scripts from it."
        ),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        ordering = ["host"]
        verbose_name = _("external media site")
        verbose_name_plural = _("external media sites")

    def __str__(self) -> str:
        return self.host
