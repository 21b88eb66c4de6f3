"""The service center's staff roles, as Django groups with the permissions each role needs.

Kept up to date after every migration (post_migrate), so a fresh database has them too.
"""

from django.contrib.auth.models import Group, Permission

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"

STAFF_GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    # Certifies and decertifies agents and agencies, keeps their records.
    "Service center: certification": {
        "agents.agent": (VIEW, ADD, CHANGE),
        "agents.certificationchange": (VIEW,),
        "agents.expiryreminder": (VIEW,),
        "agents.language": (VIEW,),
        "agents.productexpertise": (VIEW,),
        "agencies.agency": (VIEW, ADD, CHANGE),
        "agencies.agencylocation": (VIEW, ADD, CHANGE),
        "agencies.openinghours": (VIEW, ADD, CHANGE, DELETE),
        "agencies.agencydocument": (VIEW,),
        "agencies.membership": (VIEW, ADD, CHANGE),
        "extranet.extranetaccount": (VIEW, CHANGE),
        "extranet.passwordlink": (VIEW,),
    },
    # Verifies consumers' identity, issues access codes, ends delegations at a consumer's request.
    "Service center: consumer support": {
        "consumers.consumercase": (VIEW, CHANGE),
        "consumers.householdmember": (VIEW,),
        "consumers.enrollment": (VIEW,),
        "consumers.verification": (VIEW, CHANGE),
        "consumers.casedocument": (VIEW,),
        "consumers.changereport": (VIEW,),
        "consumers.accesscode": (VIEW,),
        "delegations.delegation": (VIEW, CHANGE),
        "delegations.actingonbehalf": (VIEW,),
        "agents.agent": (VIEW,),
        "agencies.agency": (VIEW,),
    },
    # Reads the audit log, lifts sign-in locks, resets a lost second factor.
    "Service center: security": {
        "portal.auditevent": (VIEW,),
        "portal.signinlock": (VIEW, CHANGE),
        "portal.signinfailure": (VIEW,),
        "portal.outagenotice": (VIEW, ADD, CHANGE, DELETE),
        "extranet.extranetaccount": (VIEW, CHANGE),
        "portal.user": (VIEW, CHANGE),
        "otp_totp.totpdevice": (VIEW, DELETE),
        "otp_static.staticdevice": (VIEW, DELETE),
    },
    # Answers Online Chat and the Secure Mailbox messages written to the service center; marks the days it is closed.
    "Service center: chat": {
        "servicecenter.conversation": ("answer",),
        "servicecenter.closedday": (VIEW, ADD, CHANGE, DELETE),
        "servicecenter.chatstaffprofile": (VIEW,),
        "securemailbox.thread": (VIEW, CHANGE),
        "securemailbox.threadmessage": (VIEW, ADD),
    },
}
# A supervisor may do everything the other roles may.
STAFF_GROUPS["Service center: supervisor"] = {
    model: tuple(sorted({action for group in STAFF_GROUPS.values() for action in group.get(model, ())}))
    for model in sorted({model for group in STAFF_GROUPS.values() for model in group})
}
STAFF_GROUPS["Service center: supervisor"].update(
    {
        "bookofbusiness.extract": (VIEW,),
        "bookofbusiness.bookofbusinessexport": (VIEW,),
        "portal.mailboxmessage": (VIEW,),
        # Reads any chat's transcript; sets who takes Spanish chats.
        "servicecenter.conversation": ("answer", "supervise", VIEW),
        "servicecenter.chatmessage": (VIEW,),
        "servicecenter.chatstaffprofile": (VIEW, ADD, CHANGE),
    }
)


def ensure_staff_groups(sender=None, **kwargs) -> None:
    """Create the staff groups and give each exactly its permissions.

    Runs once per migrate, after the last app's permissions exist.
    """
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not None and sender.label != with_models[-1].label:  # post_migrate skips apps without models
        return
    for name, models in STAFF_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = []
        for model, actions in models.items():
            app_label, model_name = model.split(".")
            wanted.extend(
                Permission.objects.filter(
                    content_type__app_label=app_label,
                    content_type__model=model_name,
                    codename__in=[f"{action}_{model_name}" for action in actions],
                )
            )
        group.permissions.set(wanted)
