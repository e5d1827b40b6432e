from django.dispatch import Signal

# Sent inside the transaction after an official is created, moves to another unit or position, or is
# (re)activated or deactivated. kwargs: official, created (bool)
official_changed = Signal()
