"""What an extranet account may see: its agent's published extracts and, for an Agency Manager, the
agency's. Every file page and download starts here."""

from django.db.models import Q, QuerySet

from bookofbusiness.models import Extract
from portal.permissions import Capability, permissions_for


def extracts_for(account) -> QuerySet[Extract]:
    if account is None:
        return Extract.objects.none()
    agent = account.agent
    permissions = permissions_for(agent.user)
    visible = Q(scope=Extract.Scope.AGENT, agent_id=agent.pk)
    if permissions.allows(Capability.AGENCY_EXTRACTS):
        visible |= Q(scope=Extract.Scope.AGENCY, agency_id=permissions.agency_id)
    return Extract.objects.filter(visible, status=Extract.Status.PUBLISHED).order_by(
        "-week", "scope", "kind", "file_format"
    )
