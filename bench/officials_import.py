"""Time of importing officials: a first import of N new people, then the same file again (all unchanged).

Usage: .venv/bin/python bench/officials_import.py [--rows 1000] [--units 100]
Uses a throw-away test database (SQLite by default; PostgreSQL when DATABASE_URL names it).
Prints parse_s, import_s and queries for the first import, then for the re-import.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._django import setup_test_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000)
    parser.add_argument("--units", type=int, default=100)
    args = parser.parse_args()

    setup_test_database()
    from django.db import connection

    from lms.people.importing import officials_import, officials_parse
    from lms.people.models import OrgUnit, Position
    from lms.people.services import roles_sync, unit_create
    from tests.lms.people.org_builders import csv_bytes, row

    roles_sync()
    city = unit_create(name="Thành phố Hồ Chí Minh", code="HCM", kind=OrgUnit.Kind.CITY)
    for i in range(args.units):
        unit_create(name=f"Phường {i:03d}", code=f"P{i:03d}", kind=OrgUnit.Kind.WARD, parent=city)
    Position.objects.create(name="Công chức", code="CC")
    data = csv_bytes(
        [
            row(
                employee_code=f"CB{i:05d}",
                full_name=f"Nguyễn Văn Số {i}",
                unit_code=f"P{i % args.units:03d}",
                position_code="CC",
                email=f"cb{i:05d}@phuong.example",
            )
            for i in range(args.rows)
        ]
    )

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    for label in ("first", "again"):
        queries.clear()
        with connection.execute_wrapper(count):
            started = time.perf_counter()
            parsed = officials_parse(file=data, filename="can-bo.csv", max_rows=args.rows)
            parsed_at = time.perf_counter()
            assert parsed.ok, parsed.errors[:5]
            officials_import(parsed=parsed)
            done = time.perf_counter()
        print(
            f"{label}: rows={args.rows} parse_s={parsed_at - started:.2f} import_s={done - parsed_at:.2f} "
            f"queries={len(queries)} counts={parsed.counts}"
        )


if __name__ == "__main__":
    main()
