"""What the question interchange refuses: every error carries the messages shown to the person."""

from django.utils.translation import gettext as _

from lms.spreadsheets import RowError


class InterchangeError(Exception):
    """Input the interchange refuses; `messages` are shown to the person as they are."""

    def __init__(self, messages):
        self.messages = [str(m) for m in (messages if isinstance(messages, list | tuple) else [messages])]
        super().__init__("; ".join(self.messages))


class ImportRejected(InterchangeError):
    """A spreadsheet with errors: nothing was imported. `errors` are the RowErrors."""

    def __init__(self, errors: list[RowError]):
        self.errors = list(errors)
        super().__init__([e.display for e in self.errors] or [_("There is nothing to import.")])


class H5PContentError(InterchangeError):
    """A content.json that cannot be imported: nothing was written."""
