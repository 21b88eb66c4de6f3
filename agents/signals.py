"""What the agents app tells the apps above it, without knowing them."""

from django.dispatch import Signal

# Sent after an agent's e-mail changed (the transaction committed or not yet: receivers act within it).
# Arguments: agent, old_email.
email_changed = Signal()
