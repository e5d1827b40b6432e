"""The demo accounts, printed by the run command. Passwords are for local demos only."""

from lms.people import roles

DEMO_PASSWORD = "SmartWard@2026"  # noqa: S105 — demo only, never used in production

DEMO_USERS = [
    {
        "username": "hocvien",
        "full_name": "Nguyễn Thị Lan",
        "email": "hocvien@demo.smartward.local",
        "role": roles.LEARNER,
    },
    {
        "username": "giangvien",
        "full_name": "Trần Minh Khoa",
        "email": "giangvien@demo.smartward.local",
        "role": roles.TRAINER,
    },
    {
        "username": "nhansu",
        "full_name": "Lê Thu Hà",
        "email": "nhansu@demo.smartward.local",
        "role": roles.HR_MANAGER,
    },
    {
        "username": "nhansu.benthanh",
        "full_name": "Võ Thị Mỹ Linh",
        "email": "nhansu.benthanh@demo.smartward.local",
        "role": roles.HR_MANAGER,
    },
    {
        "username": "quantri",
        "full_name": "Phạm Quốc Bảo",
        "email": "quantri@demo.smartward.local",
        "role": roles.ADMINISTRATOR,
        "superuser": True,
    },
]
