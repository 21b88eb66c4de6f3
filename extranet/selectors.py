"""What an extranet account may see: its agent's published extracts and, for an Agency Manager, the
agency's. Every file page and download starts here."""

from django.db.models import Q, QuerySet

from bookofbusiness.models import Extract


def extracts_for(account) -> QuerySet[Extract]:
    from agencies.models import Membership

    if account is None:
        return Extract.objects.none()
    agent = account.agent
    managed = Membership.objects.filter(
        user_id=agent.user_id, role=Membership.Role.MANAGER, status=Membership.Status.ACTIVE
    ).values("agency_id")
    mine = Q(scope=Extract.Scope.AGENT, agent_id=agent.pk)
    agency = Q(scope=Extract.Scope.AGENCY, agency_id__in=managed)
    return Extract.objects.filter(mine | agency, status=Extract.Status.PUBLISHED).order_by(
        "-week", "scope", "kind", "file_format"
    )
