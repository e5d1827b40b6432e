from django.dispatch import Signal

# Sent once per completion, after the completion's commit, by a Celery task
# (services.course_completion_announce), inside the transaction that marks the completion announced.
# Receivers must be idempotent all the same.
# kwargs: enrolment
course_completed = Signal()

# Sent when a person first opens or completes a lesson of an enrolment (again after a restart).
# kwargs: enrolment
enrolment_started = Signal()
