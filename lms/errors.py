"""The one shape of an error a person can cause: a translated message and the HTTP status to answer with.

Each app names its own subclass (LearningError, QuizError, ComplianceError, …) so callers can catch one
app's refusals; views turn any of them into a plain Vietnamese page or a form error.
"""


class UserError(Exception):
    """A request the rules refuse; `message` is shown to the person, `status` is the HTTP status."""

    status = 400

    def __init__(self, message, status: int | None = None):
        super().__init__(str(message))
        self.message = message
        if status is not None:
            self.status = status
