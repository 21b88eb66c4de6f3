"""What the agents app tells the apps above it, without knowing them."""

from django.dispatch import Signal

# Sent after an agent's e-mail changed (the transaction committed or not yet: receivers act within it).
# Arguments: agent, old_email.
email_changed = Signal()

# Sent when an agent who was in no agency joins one and the cases delegated to them come along (inside the
# transaction). Arguments: agent, agency_id, case_ids.
delegations_joined_agency = Signal()
