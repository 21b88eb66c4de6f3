"""The portal's own pages: the landing page by role, help, the security profile, the Secure Mailbox."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from agencies.models import Membership
from agencies.selectors import active_membership_for

from .models import MailboxMessage

PAGE_SIZE = 25


@login_required
def home(request):
    """Send each person to their landing page: the Agency Portal for a manager and Admin Staff,
    My Delegations for an agent, the Service Center for marketplace staff."""
    membership = active_membership_for(request.user)
    if membership is not None and membership.role in (Membership.Role.MANAGER, Membership.Role.ADMIN_STAFF):
        return redirect("agencies:home")
    if hasattr(request.user, "agent"):
        return redirect("delegations:mine")
    if request.user.is_staff:
        return render(request, "portal/service_center_home.html")
    return render(request, "portal/no_role.html")


def help_page(request):
    return render(request, "portal/help.html")


@login_required
def security_profile(request):
    return render(request, "portal/security_profile.html")


def mailbox_for(user):
    """A user's own Secure Mailbox messages."""
    return MailboxMessage.objects.filter(recipient=user)


@login_required
def mailbox(request):
    page = Paginator(mailbox_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/mailbox.html", {"page": page})


@login_required
def mailbox_message(request, message_id: int):
    message = get_object_or_404(mailbox_for(request.user), pk=message_id)
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return render(request, "portal/mailbox_message.html", {"message": message})
