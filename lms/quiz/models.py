"""The quiz engine's data, after django_quiz's design (categories, questions, quizzes, sittings, progress),
rebuilt for Django 5.2 and extended (question kinds, draws, attempt limits, time limits, review options)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable


class Category(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")

    def __str__(self) -> str:
        return self.name


class SubCategory(models.Model):
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="sub_categories", verbose_name=_("category")
    )
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["category__name", "name"]
        verbose_name = _("sub-category")
        verbose_name_plural = _("sub-categories")
        constraints = [models.UniqueConstraint(fields=["category", "name"], name="subcategory_unique_name")]

    def __str__(self) -> str:
        return f"{self.category} › {self.name}"


class Question(ClusterableModel):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TRUE_FALSE = "true_false", _("True / false")
        SHORT = "short", _("Short answer")
        ESSAY = "essay", _("Essay")

    class AnswerOrder(models.TextChoices):
        AS_WRITTEN = "as_written", _("As written")
        ALPHABETICAL = "alphabetical", _("Alphabetical")
        RANDOM = "random", _("Random")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SINGLE)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("category"),
    )
    sub_category = models.ForeignKey(
        SubCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("sub-category"),
    )
    text = models.TextField(_("question"))
    figure = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("figure"),
    )
    explanation = models.TextField(
        _("explanation"),
        blank=True,
        help_text=_(
            "Shown after the answer, when the quiz's review options allow. For essays: a marking guide."
        ),
    )
    points = models.DecimalField(
        _("points"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    partial_credit = models.BooleanField(
        _("partial credit"),
        default=False,
        help_text=_("Multiple choice: each right choice earns a share, each wrong choice takes one away."),
    )
    correct_is_true = models.BooleanField(_("the statement is true"), null=True, blank=True)
    case_sensitive = models.BooleanField(_("case-sensitive"), default=False)
    ignore_diacritics = models.BooleanField(
        _("ignore Vietnamese diacritics"),
        default=True,
        help_text=_("Short answer: “chu ky so” is accepted for “chữ ký số”."),
    )
    answer_order = models.CharField(
        _("answer order"), max_length=20, choices=AnswerOrder.choices, default=AnswerOrder.AS_WRITTEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="question_points_positive"),
            models.CheckConstraint(
                condition=~Q(kind="true_false") | Q(correct_is_true__isnull=False),
                name="question_true_false_has_answer",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def has_choices(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE)


class Answer(Orderable):
    """A choice of a single/multiple-choice question, or an accepted text of a short-answer question."""

    question = ParentalKey(
        Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question")
    )
    text = models.CharField(_("text"), max_length=1000)
    correct = models.BooleanField(_("correct"), default=False)
    # Per-choice texts, as H5P's tipsAndFeedback: a hint beside the choice while answering, and feedback
    # after answering (review options permitting) for the choices the learner chose / did not choose.
    tip = models.TextField(_("tip"), blank=True, help_text=_("Choices: a hint shown beside the choice."))
    chosen_feedback = models.TextField(
        _("feedback when chosen"),
        blank=True,
        help_text=_("Choices: shown after answering to a learner who chose it."),
    )
    not_chosen_feedback = models.TextField(
        _("feedback when not chosen"),
        blank=True,
        help_text=_("Choices: shown after answering to a learner who did not choose it."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return self.text[:80]


class Quiz(ClusterableModel):
    class Grading(models.TextChoices):
        HIGHEST = "highest", _("Highest attempt")
        LAST = "last", _("Last attempt")
        AVERAGE = "average", _("Average of attempts")

    class Review(models.IntegerChoices):
        SCORE = 1, _("Score only")
        RESPONSES = 2, _("Score and the learner's answers")
        CORRECT = 3, _("… and the correct answers")
        EXPLANATIONS = 4, _("… and the explanations")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=False)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    random_order = models.BooleanField(_("random question order"), default=False)
    max_questions = models.PositiveSmallIntegerField(
        _("maximum questions"),
        null=True,
        blank=True,
        help_text=_("Draw this many questions at random from the pool. Empty: all of them."),
    )
    answers_at_end = models.BooleanField(
        _("answers at the end"),
        default=False,
        help_text=_("Show right/wrong only after submitting, not after each question."),
    )
    exam_paper = models.BooleanField(
        _("keep the answers (exam paper)"),
        default=True,
        help_text=_(
            "Keep every answer after submission, for review and records. When off, only the score is kept "
            "once nothing waits for marking."
        ),
    )
    single_attempt = models.BooleanField(_("single attempt"), default=False)
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: unlimited."),
    )
    grading_method = models.CharField(
        _("grading method"), max_length=20, choices=Grading.choices, default=Grading.HIGHEST
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=60, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    success_text = models.TextField(_("text shown on passing"), blank=True)
    fail_text = models.TextField(_("text shown on failing"), blank=True)
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    random_answer_order = models.BooleanField(_("random answer order"), default=False)
    review = models.PositiveSmallIntegerField(
        _("after submitting, the learner sees"), choices=Review.choices, default=Review.EXPLANATIONS
    )
    one_per_page = models.BooleanField(_("one question per page"), default=True)
    draft = models.BooleanField(_("draft"), default=False, help_text=_("Drafts cannot be taken."))

    class Meta:
        ordering = ["title"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(condition=Q(pass_mark__lte=100), name="quiz_pass_mark_percent"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=F("opens_at")),
                name="quiz_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def max_attempts(self) -> int | None:
        """single_attempt (django_quiz) wins over attempts_allowed."""
        return 1 if self.single_attempt else self.attempts_allowed

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.opens_at is None or self.opens_at <= now) and (
            self.closes_at is None or now < self.closes_at
        )


class QuizQuestion(Orderable):
    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="quiz_questions", verbose_name=_("quiz"))
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="quiz_links", verbose_name=_("question")
    )

    class Meta(Orderable.Meta):
        verbose_name = _("question in quiz")
        verbose_name_plural = _("questions in quiz")
        constraints = [models.UniqueConstraint(fields=["quiz", "question"], name="quiz_question_once")]


class QuizDraw(Orderable):
    """A random draw: "5 questions from category X"."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="draws", verbose_name=_("quiz"))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    count = models.PositiveSmallIntegerField(_("number of questions"), validators=[MinValueValidator(1)])

    class Meta(Orderable.Meta):
        verbose_name = _("random draw")
        verbose_name_plural = _("random draws")


class Attempt(models.Model):
    """One sitting of a quiz by a person (django_quiz's Sitting)."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", pgettext_lazy("attempt state", "In progress")
        SUBMITTED = "submitted", pgettext_lazy("attempt state", "Submitted")

    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("quiz"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
        verbose_name=_("user"),
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    question_ids = models.JSONField(_("questions, in order"), default=list)
    answer_orders = models.JSONField(_("answer order per question"), default=dict)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    auto_submitted = models.BooleanField(_("submitted when time ran out"), default=False)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, default=Decimal("0"))
    max_score = models.DecimalField(_("maximum score"), max_digits=7, decimal_places=2, default=Decimal("0"))
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2, default=Decimal("0"))
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    awaiting_marking = models.BooleanField(_("essays awaiting marking"), default=False)
    context_page_id = models.PositiveIntegerField(
        _("page the quiz was taken on"), null=True, blank=True, help_text=_("Opaque to the quiz engine.")
    )

    class Meta:
        ordering = ["-started_at"]
        permissions = [("mark_attempt", _("Can mark essay answers"))]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "user", "number"], name="attempt_number_unique"),
            models.UniqueConstraint(
                fields=["quiz", "user"], condition=Q(state="in_progress"), name="attempt_one_in_progress"
            ),
            models.CheckConstraint(
                condition=Q(state="in_progress") | Q(submitted_at__isnull=False),
                name="attempt_submitted_has_time",
            ),
        ]
        indexes = [models.Index(fields=["user", "quiz", "state"])]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.number} ({self.user})"

    @property
    def is_in_progress(self) -> bool:
        return self.state == self.State.IN_PROGRESS

    class Outcome(models.TextChoices):
        """The one status a submitted attempt shows everywhere (result page, My learning)."""

        PASSED = "passed", pgettext_lazy("attempt outcome", "Passed")
        NOT_PASSED = "not_passed", pgettext_lazy("attempt outcome", "Not passed")
        AWAITING_MARKING = "awaiting_marking", pgettext_lazy("attempt outcome", "Awaiting essay marking")

    @property
    def outcome(self) -> "Attempt.Outcome":
        # A pass stands: an essay still to mark can only add points. Below the pass mark, such an essay may
        # change the verdict, so the attempt waits for it rather than saying "not passed".
        if self.passed:
            return self.Outcome.PASSED
        if self.awaiting_marking:
            return self.Outcome.AWAITING_MARKING
        return self.Outcome.NOT_PASSED


class AttemptAnswer(models.Model):
    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="answers", verbose_name=_("attempt")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("question")
    )
    response = models.JSONField(_("response"), default=dict)
    score = models.DecimalField(
        _("score"), max_digits=7, decimal_places=2, null=True, blank=True, help_text=_("Empty until marked.")
    )
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    marked_at = models.DateTimeField(_("marked at"), null=True, blank=True)
    marker_comment = models.TextField(_("marker's comment"), blank=True)
    # Where this answer stands in the learner's order (the offline outbox): the browser that made it and its
    # running number there. An older answer from the same browser arriving after a newer one (a request the
    # network delayed) is acknowledged but does not replace it. Empty for a form posted without JavaScript.
    device = models.UUIDField(_("device"), null=True, blank=True)
    device_seq = models.BigIntegerField(_("order on the device"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer given")
        verbose_name_plural = _("answers given")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="attempt_answer_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0), name="attempt_answer_score"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}: {self.question_id}"


class AnswerReceipt(models.Model):
    """An action a learner's device sent with its own id (the offline outbox): kept so that the same id sent
    again — a retry after a lost reply, or two tabs — is acknowledged with the same reply, never applied
    twice. The unique id is what makes concurrent duplicates safe."""

    class Kind(models.TextChoices):
        ANSWER = "answer", _("Answer")

    client_id = models.UUIDField(_("id given by the device"), unique=True)
    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("attempt")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ANSWER)
    question_id = models.PositiveIntegerField(_("question"), null=True, blank=True)
    reply = models.JSONField(_("reply"), default=dict)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("answer receipt")
        verbose_name_plural = _("answer receipts")

    def __str__(self) -> str:
        return str(self.client_id)
