"""The authorization matrix of issue 5: for every HR view, export and API, the HR manager of ward A sees
nothing of ward B, a learner sees only their own records, anonymous users see nothing but the public
certificate check.

The URL list is checked against the project's URL configuration, so a new view in one of the HR namespaces
fails this test until it is added to the matrix.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from lms.audit.models import AuditEntry
from lms.certificates.models import Certificate
from lms.compliance.models import Obligation
from lms.compliance.services import assignment_create
from lms.h5p.models import ExternalMediaHost, Library
from lms.learning.services import enrolment_create, progress_record
from lms.people import roles
from lms.people.models import Official
from lms.skills.models import Competency, Evidence, Framework, Rating
from tests.builders import after_commit, lessons_of, make_course
from tests.org_builders import make_admin_user, make_hr, make_official, make_org

pytestmark = pytest.mark.django_db

HR_NAMESPACES = (
    "people_admin",
    "compliance_assignments",
    "compliance_reports",
    "certificates_admin",
    "reminders_admin",
    "h5p_libraries",  # administrators approve, trainers look: no HR manager reaches them
    "h5p_media_hosts",  # administrators only
    "audit_admin",
    "lockouts_admin",
    "h5p_rules",  # administrators only: lessons whose H5P rule cannot be met
    "skills_map",  # the skills map: HR managers, their units only
    "skills_admin",  # frameworks' import, export and archiving: administrators only
    "skills_learners",  # trainers rate the learners of their courses (no HR manager as such)
)
NAME_A = "Phạm Thị Phường Anh"
NAME_B = "Võ Văn Phường Bình"


def complete(user, course):
    with after_commit():  # the certificate follows the completion's commit
        for lesson in lessons_of(course):
            progress_record(user=user, lesson=lesson, source="manual")


@pytest.fixture
def world(catalogue):
    org = make_org()
    admin = make_admin_user()
    hr_a = make_hr(org.ward_a)
    person_a = make_official(org.ward_a, name=NAME_A)
    person_b = make_official(org.ward_b, name=NAME_B)
    course = make_course(catalogue, title="An toàn thông tin")
    done_course = make_course(catalogue, title="Dịch vụ công trực tuyến")
    due = timezone.localdate() + timedelta(days=20)
    assignment_a = assignment_create(by=admin, course=course, unit=org.ward_a, due_date=due)
    assignment_b = assignment_create(by=admin, course=course, unit=org.ward_b, due_date=due)
    for person in (person_a, person_b):
        assignment_create(by=admin, course=done_course, user=person.user, due_days=30)
        complete(person.user, done_course)
    return {
        "org": org,
        "course": course,
        "hr_a": hr_a,
        "person_a": person_a,
        "person_b": person_b,
        "assignment_a": assignment_a,
        "assignment_b": assignment_b,
        "obligation_b": Obligation.objects.get(assignment=assignment_b, user=person_b.user),
        "certificate_a": Certificate.objects.get(user=person_a.user),
        "certificate_b": Certificate.objects.get(user=person_b.user),
        "library": Library.objects.create(machine_name="H5P.Matrix", major_version=1, minor_version=0),
        "audit_b": AuditEntry.objects.filter(unit_path=org.ward_b.path).latest("pk"),
    }


def b_targets(w):
    """Every HR URL, pointed at ward B's objects where it takes one (GET), or its list/form page."""
    b = w["org"].ward_b
    framework, _created = Framework.objects.get_or_create(id_number="NLS-MATRIX", short_name="Khung")
    competency, _created = Competency.objects.get_or_create(
        framework=framework, id_number="4.2", short_name="Bảo vệ dữ liệu"
    )
    in_b = f"?unit={b.pk}"
    media_host, _created = ExternalMediaHost.objects.get_or_create(host="h5p.org")
    return {
        "skills_map:map": reverse("skills_map:map") + in_b,
        "skills_map:cell": reverse("skills_map:cell", args=[competency.pk]) + in_b,
        "skills_map:export_csv": reverse("skills_map:export_csv") + in_b,
        "skills_map:export_xlsx": reverse("skills_map:export_xlsx") + in_b,
        "skills_map:rate": reverse("skills_map:rate", args=[w["person_b"].user_id, competency.pk]),
        "skills_learners:index": reverse("skills_learners:index"),
        "skills_learners:rate": reverse("skills_learners:rate", args=[w["course"].pk, w["person_b"].user_id]),
        "skills_admin:import": reverse("skills_admin:import"),
        "skills_admin:export_csv": reverse("skills_admin:export_csv", args=[framework.pk]),
        "skills_admin:export_json": reverse("skills_admin:export_json", args=[framework.pk]),
        "skills_admin:archive": reverse("skills_admin:archive", args=[competency.pk]),
        "people_admin:units": reverse("people_admin:units"),
        "people_admin:unit_add": reverse("people_admin:unit_add"),
        "people_admin:unit_move": reverse("people_admin:unit_move", args=[b.pk]),
        "people_admin:positions": reverse("people_admin:positions"),
        "people_admin:position_add": reverse("people_admin:position_add"),
        "people_admin:officials": reverse("people_admin:officials"),
        "people_admin:officials_results": reverse("people_admin:officials_results"),
        "people_admin:official_deactivate": reverse(
            "people_admin:official_deactivate", args=[w["person_b"].pk]
        ),
        "people_admin:official_welcome": reverse("people_admin:official_welcome", args=[w["person_b"].pk]),
        "people_admin:import": reverse("people_admin:import"),
        "people_admin:import_preview": reverse("people_admin:import_preview"),
        "people_admin:import_confirm": reverse("people_admin:import_confirm"),
        "people_admin:import_cancel": reverse("people_admin:import_cancel"),
        "people_admin:import_template": reverse("people_admin:import_template", args=["xlsx"]),
        "compliance_assignments:index": reverse("compliance_assignments:index"),
        "compliance_assignments:index_results": reverse("compliance_assignments:index_results"),
        "compliance_assignments:create": reverse("compliance_assignments:create"),
        "compliance_assignments:detail": reverse(
            "compliance_assignments:detail", args=[w["assignment_b"].pk]
        ),
        "compliance_assignments:detail_results": reverse(
            "compliance_assignments:detail_results", args=[w["assignment_b"].pk]
        ),
        "compliance_assignments:withdraw": reverse(
            "compliance_assignments:withdraw", args=[w["assignment_b"].pk]
        ),
        "compliance_assignments:exempt": reverse(
            "compliance_assignments:exempt", args=[w["obligation_b"].pk]
        ),
        "compliance_assignments:exemption_remove": reverse(
            "compliance_assignments:exemption_remove", args=[w["obligation_b"].pk]
        ),
        "compliance_reports:index": reverse("compliance_reports:index"),
        "compliance_reports:unit": reverse("compliance_reports:unit", args=[b.pk]),
        "compliance_reports:overdue_all": reverse("compliance_reports:overdue_all"),
        "compliance_reports:overdue": reverse("compliance_reports:overdue", args=[b.pk]),
        "compliance_reports:export_csv_all": reverse("compliance_reports:export_csv_all"),
        "compliance_reports:export_xlsx_all": reverse("compliance_reports:export_xlsx_all"),
        "compliance_reports:export_csv": reverse("compliance_reports:export_csv", args=[b.pk]),
        "compliance_reports:export_xlsx": reverse("compliance_reports:export_xlsx", args=[b.pk]),
        "compliance_reports:export_csv_excel_all": reverse("compliance_reports:export_csv_excel_all"),
        "compliance_reports:export_csv_excel": reverse("compliance_reports:export_csv_excel", args=[b.pk]),
        "compliance_reports:overdue_export_csv_all": reverse("compliance_reports:overdue_export_csv_all"),
        "compliance_reports:overdue_export_csv_excel_all": reverse(
            "compliance_reports:overdue_export_csv_excel_all"
        ),
        "compliance_reports:overdue_export_xlsx_all": reverse("compliance_reports:overdue_export_xlsx_all"),
        "compliance_reports:overdue_export_csv": reverse(
            "compliance_reports:overdue_export_csv", args=[b.pk]
        ),
        "compliance_reports:overdue_export_csv_excel": reverse(
            "compliance_reports:overdue_export_csv_excel", args=[b.pk]
        ),
        "compliance_reports:overdue_export_xlsx": reverse(
            "compliance_reports:overdue_export_xlsx", args=[b.pk]
        ),
        # POST only, with the selected obligations (ward B's are refused: test_overdue_actions.py)
        "compliance_reports:exempt": reverse("compliance_reports:exempt"),
        "compliance_reports:person": reverse("compliance_reports:person", args=[w["person_b"].user_id]),
        "compliance_reports:person_pdf": reverse(
            "compliance_reports:person_pdf", args=[w["person_b"].user_id]
        ),
        "certificates_admin:index": reverse("certificates_admin:index"),
        "certificates_admin:index_results": reverse("certificates_admin:index_results"),
        "certificates_admin:revoke": reverse("certificates_admin:revoke", args=[w["certificate_b"].pk]),
        "reminders_admin:index": reverse("reminders_admin:index"),
        "reminders_admin:index_results": reverse("reminders_admin:index_results"),
        "reminders_admin:retry": reverse("reminders_admin:retry"),
        "reminders_admin:templates": reverse("reminders_admin:templates"),
        "reminders_admin:preview": reverse("reminders_admin:preview", args=["overdue"]),
        "reminders_admin:ops": reverse("reminders_admin:ops"),
        "reminders_admin:nudge": reverse("reminders_admin:nudge"),
        "reminders_admin:nudge_results": reverse("reminders_admin:nudge_results"),
        "reminders_admin:nudge_confirm": reverse("reminders_admin:nudge_confirm"),
        "h5p_libraries:index": reverse("h5p_libraries:index"),
        "h5p_libraries:index_results": reverse("h5p_libraries:index_results"),
        "h5p_libraries:approve": reverse("h5p_libraries:approve", args=[w["library"].pk]),
        "h5p_media_hosts:index": reverse("h5p_media_hosts:index"),
        "h5p_media_hosts:index_results": reverse("h5p_media_hosts:index_results"),
        "h5p_media_hosts:edit": reverse("h5p_media_hosts:edit", args=[media_host.pk]),
        "h5p_media_hosts:history": reverse("h5p_media_hosts:history", args=[media_host.pk]),
        "h5p_media_hosts:history_results": reverse("h5p_media_hosts:history_results", args=[media_host.pk]),
        "audit_admin:index": reverse("audit_admin:index"),
        "audit_admin:index_results": reverse("audit_admin:index_results"),
        "audit_admin:inspect": reverse("audit_admin:inspect", args=[w["audit_b"].pk]),
        # Administrators only: HR managers are sent back to the admin's home.
        "lockouts_admin:index": reverse("lockouts_admin:index"),
        "lockouts_admin:unlock": reverse("lockouts_admin:unlock") + "?kind=address&value=127.0.0.1",
        "h5p_rules:index": reverse("h5p_rules:index"),
    }


# Views that take a ward-B object: HR of ward A must get a refusal, not the object.
OBJECT_VIEWS = {
    "skills_map:map",
    "skills_map:cell",
    "skills_map:export_csv",
    "skills_map:export_xlsx",
    "skills_map:rate",
    "skills_learners:rate",
    "people_admin:unit_move",
    "people_admin:official_deactivate",
    "people_admin:official_welcome",
    "compliance_assignments:detail",
    "compliance_assignments:detail_results",
    "compliance_assignments:withdraw",
    "compliance_assignments:exempt",
    "compliance_assignments:exemption_remove",
    "compliance_reports:unit",
    "compliance_reports:overdue",
    "compliance_reports:export_csv",
    "compliance_reports:export_xlsx",
    "compliance_reports:export_csv_excel",
    "compliance_reports:overdue_export_csv",
    "compliance_reports:overdue_export_csv_excel",
    "compliance_reports:overdue_export_xlsx",
    "compliance_reports:person",
    "compliance_reports:person_pdf",
    "certificates_admin:revoke",
    "h5p_libraries:approve",
    "h5p_media_hosts:edit",
    "h5p_media_hosts:history",
    "h5p_media_hosts:history_results",
    "audit_admin:inspect",
}


def hr_url_names() -> set[str]:
    names = set()

    def walk(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
            elif isinstance(pattern, URLPattern) and pattern.name and namespace.rstrip(":") in HR_NAMESPACES:
                names.add(namespace + pattern.name)

    walk(get_resolver())
    return names


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def refused(response) -> bool:
    return response.status_code in (302, 403, 404, 405)


def test_every_hr_view_is_in_the_matrix(world):
    assert hr_url_names() == set(b_targets(world))


def test_anonymous_sees_nothing_but_the_public_check(client, world):
    for name, url in b_targets(world).items():
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, (name, method.__name__, response.status_code)
            assert "login" in response["Location"], name
    for url in (
        reverse("compliance:my_training"),
        reverse("compliance_record:my_record"),
        reverse("certificates:mine"),
        reverse("certificates:download", args=[world["certificate_a"].code]),
        reverse("reminders:inbox"),
    ):
        assert client.get(url).status_code == 302, url
    public = client.get(reverse("verification:verify", args=[world["certificate_b"].code]))
    assert public.status_code == 200
    assert NAME_B in body(public)
    assert world["person_b"].user.email not in body(public)
    assert world["person_b"].employee_code not in body(public)


def test_a_learner_gets_no_hr_view_and_only_their_own_records(client, world):
    learner = world["person_a"].user
    client.force_login(learner)
    for name, url in b_targets(world).items():
        for method in (client.get, client.post):
            response = method(url)
            assert refused(response), (name, method.__name__, response.status_code)
            assert NAME_B not in body(response), name
    mine = body(client.get(reverse("compliance:my_training")))
    assert "An toàn thông tin" in mine and NAME_B not in mine
    record = client.get(reverse("compliance_record:my_record"))
    assert record.status_code == 200 and record["Content-Type"] == "application/pdf"
    assert client.get(reverse("certificates:download", args=[world["certificate_a"].code])).status_code == 200
    assert client.get(reverse("certificates:download", args=[world["certificate_b"].code])).status_code == 404


def test_the_hr_manager_of_ward_a_sees_nothing_of_ward_b(client, world):
    client.force_login(world["hr_a"])
    b_person = world["person_b"]
    for name, url in b_targets(world).items():
        response = client.get(url)
        text = body(response)
        assert NAME_B not in text, name
        assert b_person.employee_code not in text, name
        assert b_person.user.email not in text, name
        if name in OBJECT_VIEWS:  # refused; a view for administrators only sends HR back to the dashboard
            assert response.status_code in (302, 403, 404, 405), (name, response.status_code)
            if response.status_code == 302:
                assert str(world["org"].ward_b.pk) not in response["Location"], name
        else:
            assert response.status_code in (200, 302, 403, 405), (name, response.status_code)


def test_ward_a_hr_cannot_change_ward_b(client, world):
    client.force_login(world["hr_a"])
    targets = b_targets(world)
    for name in sorted(OBJECT_VIEWS):
        response = client.post(
            targets[name], {"reason": "thử", "parent": world["org"].ward_a.pk, "confirm": "1"}
        )
        assert response.status_code in (302, 403, 404, 405), (name, response.status_code)
    world["assignment_b"].refresh_from_db()
    assert world["assignment_b"].withdrawn_at is None
    assert Obligation.objects.get(pk=world["obligation_b"].pk).exempt_at is None
    assert Official.objects.get(pk=world["person_b"].pk).user.is_active
    assert Certificate.objects.get(pk=world["certificate_b"].pk).revoked_at is None
    assert Library.objects.get(pk=world["library"].pk).approved_at is None
    world["org"].ward_b.refresh_from_db()
    assert world["org"].ward_b.depth == 2


def test_the_hr_manager_sees_ward_a(client, world):
    """The same views answer for ward A, so the refusals above are about scope, not broken views."""
    client.force_login(world["hr_a"])
    a = world["org"].ward_a
    for url in (
        reverse("compliance_reports:unit", args=[a.pk]),
        reverse("compliance_reports:person", args=[world["person_a"].user_id]),
        reverse("compliance_assignments:detail", args=[world["assignment_a"].pk]),
        reverse("people_admin:officials"),
        reverse("audit_admin:index"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert NAME_A in body(response), url
    export = client.get(reverse("compliance_reports:export_csv", args=[a.pk]))
    assert export.status_code == 200 and NAME_A in body(export) and NAME_B not in body(export)


def test_a_trainer_rates_only_the_learners_of_the_courses_they_train(client, world, catalogue):
    """Ward B's person is enrolled in the world's course; the trainer trains another course, with ward A's
    person in it: ward B's person is out of reach however the address is written."""
    trainer = make_official(world["org"].ward_a, name="Đỗ Văn Giảng Viên").user
    trainer.groups.add(Group.objects.get(name=roles.TRAINER))
    mine = make_course(catalogue, title="Khóa của giảng viên")
    mine.trainer = trainer
    mine.save()
    enrolment_create(user=world["person_a"].user, course=mine)
    b_targets(world)  # the matrix's framework and competence
    competency = Competency.objects.get(framework__id_number="NLS-MATRIX")
    Evidence.objects.create(competency=competency, level=2, kind=Evidence.Kind.COURSE, page=mine, label="x")
    client.force_login(trainer)
    listing = body(client.get(reverse("skills_learners:index")))
    assert NAME_A in listing and NAME_B not in listing
    data = {"competency": competency.pk, "level": 2, "note": "x"}
    for course in (mine, world["course"]):
        url = reverse("skills_learners:rate", args=[course.pk, world["person_b"].user_id])
        for method in (client.get, client.post):
            response = method(url, data)
            assert response.status_code == 404, (course.title, method.__name__)
            assert NAME_B not in body(response)
    assert not Rating.objects.exists()
    assert (
        client.get(reverse("skills_learners:rate", args=[mine.pk, world["person_a"].user_id])).status_code
        == 200
    )
