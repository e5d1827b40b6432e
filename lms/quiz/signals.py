from django.dispatch import Signal

# Sent after an attempt is submitted, and again when marking changes its result.
# kwargs: attempt
attempt_finished = Signal()
