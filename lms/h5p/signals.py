from django.dispatch import Signal

# Sent inside the recording transaction when a person's result for an activity changed.
# Arguments: result (models.Result).
result_recorded = Signal()
