"""Delete pending imports older than their expiry (run it daily, e.g. from cron)."""

from django.core.management.base import BaseCommand

from intake.models import ImportBatch


class Command(BaseCommand):
    help = "Xóa các lần nhập từ Excel đã hết hạn (quá 24 giờ)."

    def handle(self, *args, **options):
        deleted, _by_model = ImportBatch.objects.expired().delete()
        self.stdout.write(f"Deleted {deleted} expired import records.")
