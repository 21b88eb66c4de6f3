"""What the consumers app does when the apps below it say something happened."""

from django.dispatch import receiver

from agents.signals import delegations_joined_agency

from .models import CaseNote, FollowUp


@receiver(delegations_joined_agency, dispatch_uid="consumers.notes_come_along_to_the_agency")
def notes_come_along(sender, *, agent, agency_id: int, case_ids, **kwargs) -> None:
    """An independent agent joined an agency with their consumers: the notes and follow-ups they kept on those
    cases come along, and are the agency's from now on (as the delegations are)."""
    for model in (CaseNote, FollowUp):
        model.objects.filter(case_id__in=case_ids, agency__isnull=True, helper=agent).update(agency_id=agency_id)
