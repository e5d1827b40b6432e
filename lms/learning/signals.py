from django.dispatch import Signal

# Sent once per enrolment, inside the transaction that records the completion.
# kwargs: enrolment
course_completed = Signal()

# Sent when a person first opens or completes a lesson of an enrolment (again after a restart).
# kwargs: enrolment
enrolment_started = Signal()
