"""HR's assignments of mandatory training in the Wagtail admin: the list, the form with its confirmation,
an assignment's people, exemptions and withdrawal. Writes go through `lms.compliance.services`."""
