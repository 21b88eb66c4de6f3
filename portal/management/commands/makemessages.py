"""makemessages that also collects the sentences written with portal.words' words() and counted()."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=words", "--keyword=counted:1,2"]
