"""What every page's header needs: what the person may do (`may.view_book`), their agency, and the service
numbers."""

import contextlib
import functools

from django.conf import settings
from django.core.cache import cache, caches
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme

from .middleware import second_factor_done
from .models import OutageNotice
from .permissions import permissions_for
from .person import unread_messages


def portal(request):
    user = getattr(request, "user", None)
    permissions = permissions_for(user)
    unread, fully_signed_in = 0, False
    if user is not None and user.is_authenticated:
        unread = unread_messages(user)
        fully_signed_in = second_factor_done(user)  # the menus are for those past their second factor
    return {
        "current_path": same_origin_path(request),
        "may": permissions.may,
        "current_membership": permissions.membership,
        "current_agent": permissions.agent,
        "unread_messages": unread,
        "fully_signed_in": fully_signed_in,
        "customer_service_phone": settings.PORTAL_CUSTOMER_SERVICE_PHONE,
        "agent_service_center_phone": settings.PORTAL_AGENT_SERVICE_CENTER_PHONE,
        "session_idle_seconds": settings.SESSION_IDLE_TIMEOUT,
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
        "outage_notices": outage_notices(),
        "nav_key": nav_key(request, permissions),
    }


# The menu's items (templates/includes/navigation.html): the page it marks as the current one is among these.
NAV_URL_NAMES = ("today", "agencies:home", "agencies:roster", "agencies:admin_staff", "agencies:delegations",
                 "bookofbusiness:book", "agencies:account", "delegations:mine", "agents:my_profile", "my_case:case",
                 "my_case:delegates")  # fmt: skip


@functools.cache
def _nav_paths() -> frozenset[str]:
    from django.urls import NoReverseMatch, reverse

    paths = set()
    for name in NAV_URL_NAMES:
        with contextlib.suppress(NoReverseMatch):
            paths.add(reverse(name))
    return frozenset(paths)


def nav_key(request, permissions) -> str:
    """What the menu depends on, for its fragment cache: the permissions, and the page when it is a menu item."""
    path = getattr(request, "path", "")
    return ",".join(sorted(permissions.capabilities)) + "|" + (path if path in _nav_paths() else "")


def same_origin_path(request) -> str:
    """The page's own path and query, to come back to (after the session ends, after switching language), or "/"
    if it could be read as another site's address (`//evil.example/x` reaches a 404 page as its path)."""
    path = request.get_full_path() if request is not None else "/"
    if (
        not path.startswith("/")
        or path.startswith(("//", "/\\"))
        or not url_has_allowed_host_and_scheme(path, allowed_hosts=None)
    ):
        return "/"
    return path


OUTAGES_CACHE_KEY = "portal:outage-notices"


OUTAGES_LOCAL_SECONDS = 5


def outage_notices() -> list[dict]:
    """The scheduled outages to announce now, in the reader's language. Read from the cache (a minute at
    most, and emptied whenever staff change a notice), so pages do not query for them; each process keeps its
    copy for OUTAGES_LOCAL_SECONDS, so pages do not ask Redis either."""
    now = timezone.now()
    local = caches["local"]
    notices = local.get(OUTAGES_CACHE_KEY)
    if notices is None:
        notices = cache.get(OUTAGES_CACHE_KEY)
        if notices is None:
            notices = list(OutageNotice.objects.filter(is_published=True, ends_at__gt=now).order_by("starts_at")[:5])
            cache.set(OUTAGES_CACHE_KEY, notices, 60)
        local.set(OUTAGES_CACHE_KEY, notices, OUTAGES_LOCAL_SECONDS)
    language = translation.get_language() or settings.LANGUAGE_CODE
    return [
        {"title": notice.title(language), "details": notice.details(language), "starts_at": notice.starts_at,
         "ends_at": notice.ends_at, "under_way": notice.is_under_way(now)}
        for notice in notices
        if notice.show_from <= now < notice.ends_at
    ]  # fmt: skip
