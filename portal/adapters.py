"""django-allauth glue: accounts are made by agencies and service-center staff, never by sign-up."""

from allauth.account.adapter import DefaultAccountAdapter


class PortalAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False
