"""Training hours and the completion curve at 100,000 officials, on the data of bench/reports.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/smartward_bench .venv/bin/python bench/hours.py

Run bench/reports.py first: it builds the organisation, courses and obligations. This script adds, once, the
certificates that those completions would have issued: one per person, course and completion time (current
and closed cycles, so recertified people have two), hours copied from the course, one in 200 revoked; about
1.4 million rows, in one INSERT … SELECT (under a minute), then ANALYZE. Later runs find them and only
measure. Prints medians of `--runs` runs after a warm-up, each with the viewer loaded afresh:

- curve_city_ms, curve_ward_ms: `reports.completion_over_time` given the headline figures, as the dashboard
  calls it (the figures themselves are `city_summary_ms` of bench/reports.py);
- hours_city_ms, hours_ward_ms: `reports.dashboard_hours` of this year for the unit and its subunits;
- person_record_ms: `reports.person_record` (obligations, completions, hours per year) of a person with the
  most certificates, for an administrator.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import reports as bench_reports  # noqa: E402 — after the path is set

REVOKED_EVERY = 200

CERTIFICATES_SQL = """
INSERT INTO certificates_certificate (
    user_id, course_id, holder_name, course_title, hours, completed_at, issued_at, code,
    revoked_at, revoked_by_id, revoke_reason, search_text
)
SELECT user_id, course_id, holder_name, course_title, hours, completed_at, completed_at,
       substr(h, 1, 4) || '-' || substr(h, 5, 4) || '-' || substr(h, 9, 4),
       CASE WHEN n %% %(every)s = 0 THEN completed_at + interval '2 days' END,
       NULL,
       CASE WHEN n %% %(every)s = 0 THEN 'Bench: cấp nhầm.' ELSE '' END,
       ''
FROM (
    SELECT done.*, upper(lpad(to_hex(n), 12, '0')) AS h
    FROM (
        SELECT completions.*, row_number() OVER (ORDER BY completed_at, user_id, course_id) AS n
        FROM (
            SELECT DISTINCT o.user_id, o.course_id, o.completed_at, u.full_name AS holder_name,
                   p.title AS course_title, c.estimated_hours AS hours
            FROM compliance_obligation o
            JOIN people_user u ON u.id = o.user_id
            JOIN wagtailcore_page p ON p.id = o.course_id
            JOIN courses_coursepage c ON c.page_ptr_id = o.course_id
            WHERE o.completed_at IS NOT NULL
        ) completions
    ) done
) numbered
"""


def certificates_ensure() -> int:
    """The bench's certificates, added when there are none yet. Returns how many were added."""
    from django.db import connection, transaction

    from lms.certificates.models import Certificate

    if Certificate.objects.exists():
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(CERTIFICATES_SQL, {"every": REVOKED_EVERY})
        added = cursor.rowcount
        cursor.execute("ANALYZE certificates_certificate")
    return added


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    bench_reports.database_config()
    bench_reports.django_setup()
    from django.db import connection
    from django.db.models import Count

    from lms.certificates.models import Certificate
    from lms.compliance.reports import selectors as reports
    from lms.compliance.selectors import unit_summary

    built = bench_reports.built_data()
    if built is None:
        sys.exit("No bench data: run bench/reports.py first.")
    city, ward, admin, hr = built
    start = time.perf_counter()
    added = certificates_ensure()
    if added:
        print(f"certificates_added: {added}")
        print(f"certificates_build_s: {time.perf_counter() - start:.0f}")
    print(f"certificates: {Certificate.objects.count()}")
    print(f"certificates_revoked: {Certificate.objects.filter(revoked_at__isnull=False).count()}")
    print(f"database: PostgreSQL {connection.pg_version // 10000}")
    print(f"load_average_before: {os.getloadavg()[0]:.1f}")
    year = reports.current_year()

    for name, viewer, unit in (("city", admin, city), ("ward", hr, ward)):
        top, children = unit_summary(viewer=bench_reports._fresh(viewer), root=unit)

        def curve(viewer=viewer, unit=unit, top=top):
            reports.completion_over_time(viewer=bench_reports._fresh(viewer), unit=unit, figures=top)

        ms, queries = bench_reports.measure(f"{name} curve", curve, args.runs)
        print(f"curve_{name}_ms: {ms:.1f}")
        print(f"curve_{name}_queries: {queries}")

        def hours(viewer=viewer, unit=unit, children=children):
            reports.dashboard_hours(
                viewer=bench_reports._fresh(viewer), unit=unit, children=[c.unit for c in children], year=year
            )

        ms, queries = bench_reports.measure(f"{name} hours", hours, args.runs)
        print(f"hours_{name}_ms: {ms:.1f}")
        print(f"hours_{name}_queries: {queries}")

    busiest = Certificate.objects.values("user_id").annotate(n=Count("pk")).order_by("-n", "user_id").first()
    person = type(admin).objects.get(pk=busiest["user_id"])

    def record():
        viewer = bench_reports._fresh(admin)
        official = reports.official_in_scope(viewer=viewer, user_id=person.pk)
        reports.person_record(viewer=viewer, user=official.user, official=official)

    ms, queries = bench_reports.measure("person record", record, args.runs)
    print(f"person_record_certificates: {busiest['n']}")
    print(f"person_record_ms: {ms:.1f}")
    print(f"person_record_queries: {queries}")

    print(f"load_average_after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
