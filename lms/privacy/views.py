"""An official downloads everything the platform holds about them, as a ZIP (see export.py)."""

from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

from lms import dates
from lms.audit.models import AuditEntry
from lms.audit.services import audit_record
from lms.http import post_required, private_no_store
from lms.people.models import Official

from .export import personal_files
from .zipstream import zip_stream


@private_no_store
@login_required
@post_required
def download(request):
    """Only the signed-in person's own data: the view takes no id, so nobody can ask for someone else's."""
    user = request.user
    official = Official.objects.select_related("unit").filter(user=user).first()
    audit_record(
        action=AuditEntry.Action.PERSONAL_DATA_DOWNLOAD,
        obj=user,
        object_repr=user.get_full_name(),
        unit=official.unit if official is not None else None,
    )
    filename = f"du-lieu-cua-toi_{user.get_username()}_{dates.today().isoformat()}.zip"
    response = StreamingHttpResponse(
        zip_stream(personal_files(user, request=request)), content_type="application/zip"
    )
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
