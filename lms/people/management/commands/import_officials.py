from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.utils import translation
from django.utils.translation import gettext as _

from lms.people.importing import (
    COMMAND_MAX_ROWS,
    MAX_FILE_BYTES,
    Action,
    officials_import,
    officials_parse,
)
from lms.people.models import OrgUnit
from lms.people.services import PeopleError


class Command(BaseCommand):
    help = (
        "Import officials from an .xlsx or .csv file laid out like the admin's template, as an administrator "
        "(every unit). All rows or none; prints the errors of each row and exits with status 1 if any."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the .xlsx or .csv file.")
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="Deactivate active officials who are not in the file (leavers).",
        )
        parser.add_argument(
            "--leavers-under",
            metavar="UNIT_CODE",
            help="With --deactivate-missing: look for leavers only in this unit and the units below it.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and report; write nothing.")

    def handle(self, *args, **options):
        translation.activate(settings.LANGUAGE_CODE)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("There is no file at %(path)s.") % {"path": path})
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(_("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES >> 20})
        under = None
        if options["leavers_under"]:
            under = OrgUnit.objects.filter(code=options["leavers_under"]).first()
            if under is None:
                raise CommandError(_("No unit has the code “%(code)s”.") % {"code": options["leavers_under"]})
        parsed = officials_parse(
            file=path.read_bytes(),
            filename=path.name,
            viewer=None,
            deactivate_missing=options["deactivate_missing"],
            leavers_under=under,
            max_rows=COMMAND_MAX_ROWS,
        )
        if parsed.errors:
            for error in parsed.errors:
                self.stderr.write(error.display)
            raise CommandError(_("%(count)d errors: nothing was imported.") % {"count": len(parsed.errors)})
        counts = parsed.counts
        summary = _(
            "New: %(new)d, updated: %(update)d, unchanged: %(unchanged)d, deactivated: %(deactivate)d."
        ) % {
            "new": counts[Action.NEW],
            "update": counts[Action.UPDATE],
            "unchanged": counts[Action.UNCHANGED],
            "deactivate": counts[Action.DEACTIVATE],
        }
        if options["dry_run"]:
            for row in parsed.rows:
                if row.action == Action.UPDATE:
                    changes = "; ".join(f"{c.label}: {c.old} → {c.new}" for c in row.changes)
                    self.stdout.write(
                        _("Row %(row)d: %(message)s")
                        % {"row": row.number, "message": f"{row.employee_code}: {changes}"}
                    )
            for official in parsed.leavers:
                label = Action.LABELS[Action.DEACTIVATE]
                self.stdout.write(f"{label}: {official.employee_code} {official.user} ({official.unit})")
            self.stdout.write(_("Dry run, nothing was written.") + " " + summary)
            return
        try:
            result = officials_import(parsed=parsed)
        except (IntegrityError, ValidationError, PeopleError) as exc:
            raise CommandError(
                _("The officials could not be saved (the data changed meanwhile). Please try again.")
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported. %(summary)s Set-your-password emails on their way: %(emails)d.")
                % {"summary": summary, "emails": result.emails_queued}
            )
        )
