from django.dispatch import Signal

# Sent inside the transaction that revokes a certificate, after the revocation is saved.
# kwargs: certificate (revoked_at, revoked_by and revoke_reason set)
certificate_revoked = Signal()
