"""Pages that combine several apps: the Agency Portal (home, roster and agents, Admin Staff, delegations,
account), My Delegations with its dashboard, transfers and acting on behalf."""
