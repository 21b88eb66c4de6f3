"""What an extranet account may see: its agent's published extracts and, for an Agency Manager, the
agency's. Every file page and download starts here."""

from django.db.models import Q, QuerySet

from bookofbusiness.models import Extract
from bookofbusiness.selectors import current_spell_started
from portal.permissions import Capability, permissions_for


def extracts_for(account) -> QuerySet[Extract]:
    """An agent's own extracts while they may see their consumers (certified), each only while the agent is
    still in the agency it was made in, and made since they (last) joined it; and the agency's, for its manager.
    A file made for an agency the agent has left, or before they came back, lists someone else's consumers now."""
    if account is None:
        return Extract.objects.none()
    agent = account.agent
    permissions = permissions_for(agent.user)
    visible = Q(pk__in=[])
    if permissions.allows(Capability.VIEW_OWN_CASES):
        visible = Q(scope=Extract.Scope.AGENT, agent_id=agent.pk, made_in_agency_id=permissions.agency_id)
        since = current_spell_started(agent.user, permissions.membership)
        if since is not None:
            visible &= Q(created_at__gte=since)
    if permissions.allows(Capability.AGENCY_EXTRACTS):
        visible |= Q(scope=Extract.Scope.AGENCY, agency_id=permissions.agency_id)
    return Extract.objects.filter(visible, status=Extract.Status.PUBLISHED).order_by(
        "-week", "scope", "kind", "file_format"
    )
