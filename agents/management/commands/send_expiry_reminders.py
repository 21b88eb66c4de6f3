from django.core.management.base import BaseCommand

from agents.services import send_expiry_reminders


class Command(BaseCommand):
    help = "Remind agents and their managers 30 days before a license or certification expires (once per date)."

    def handle(self, *args, **options):
        self.stdout.write(f"Sent {send_expiry_reminders()} reminders.")
