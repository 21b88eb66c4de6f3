"""What every page's header needs: the user's role in their agency and the service numbers."""

from django.conf import settings

from agencies.selectors import active_membership_for


def portal(request):
    user = getattr(request, "user", None)
    membership = None
    agent = None
    unread = 0
    if user is not None and user.is_authenticated:
        from .models import MailboxMessage

        membership = active_membership_for(user)
        agent = getattr(user, "agent", None)
        unread = MailboxMessage.objects.filter(recipient=user, read_at__isnull=True).count()
    return {
        "current_membership": membership,
        "current_agent": agent,
        "unread_messages": unread,
        "customer_service_phone": settings.PORTAL_CUSTOMER_SERVICE_PHONE,
        "agent_service_center_phone": settings.PORTAL_AGENT_SERVICE_CENTER_PHONE,
        "session_idle_seconds": settings.SESSION_IDLE_TIMEOUT,
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
    }
