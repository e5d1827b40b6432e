from django.dispatch import Signal

# Sent once per enrolment, inside the transaction that records the completion.
# kwargs: enrolment
course_completed = Signal()
