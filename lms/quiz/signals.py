from django.dispatch import Signal

# Sent inside the transaction that submits an attempt, and again when marking changes its result,
# so that progress recorded by receivers commits (or rolls back) together with the attempt.
# Receivers run before the answers of a quiz that keeps no exam paper are discarded, so they may read them.
# kwargs: attempt
attempt_finished = Signal()
