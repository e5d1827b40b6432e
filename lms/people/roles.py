"""The platform's roles. Group names are stable keys; their labels are translated for display."""

from django.utils.translation import gettext_lazy as _

LEARNER = "Learner"
TRAINER = "Trainer"
HR_MANAGER = "HR manager"
ADMINISTRATOR = "Administrator"

ROLE_LABELS = {
    LEARNER: _("Learner"),
    TRAINER: _("Trainer"),
    HR_MANAGER: _("HR manager"),
    ADMINISTRATOR: _("Administrator"),
}

# Model permissions per role, as "app_label.codename".
MODEL_PERMISSIONS: dict[str, list[str]] = {
    LEARNER: [],
    TRAINER: [
        "wagtailadmin.access_admin",
        "taggit.add_tag",
        "taggit.change_tag",
        *(
            f"quiz.{action}_{model}"
            for model in ("quiz", "question", "category", "subcategory")
            for action in ("add", "change", "delete", "view")
        ),
        "quiz.view_attempt",
        "quiz.mark_attempt",
        "h5p.add_activity",
        "h5p.change_activity",
        "h5p.view_activity",
        "h5p.view_library",
        "reminders.nudge_people",  # the people of the courses they train (reminders.selectors)
        *(f"skills.{action}_evidence" for action in ("add", "change", "delete", "view")),
        "skills.rate_learners",  # the learners of the courses they train (skills.trainer_views)
    ],
    HR_MANAGER: [
        "wagtailadmin.access_admin",
        # What HR may do; on which units is `scope.scope_for`'s answer (lms/people/permissions.py).
        "people.manage_organisation",
        "people.import_officials",
        "compliance.manage_assignments",
        "compliance.view_reports",
        "certificates.view_certificate",
        "certificates.revoke_certificate",
        "reminders.nudge_people",
        "audit.view_auditentry",
        "skills.view_skills_map",
        "skills.rate_people",
    ],
    ADMINISTRATOR: ["*"],
}

# Page permissions granted on the root of the page tree.
PAGE_PERMISSIONS: dict[str, list[str]] = {
    LEARNER: [],
    TRAINER: ["add_page", "change_page", "lock_page"],
    HR_MANAGER: [],
    ADMINISTRATOR: [
        "add_page",
        "change_page",
        "publish_page",
        "bulk_delete_page",
        "lock_page",
        "unlock_page",
    ],
}

# Image and document permissions granted on the root collection.
COLLECTION_PERMISSIONS: dict[str, list[str]] = {
    LEARNER: [],
    TRAINER: [
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ],
    HR_MANAGER: [],
    ADMINISTRATOR: [
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.delete_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.delete_document",
        "wagtaildocs.choose_document",
    ],
}
