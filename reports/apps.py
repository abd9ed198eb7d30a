from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Báo cáo")

    def ready(self):
        # registry cannot import reports: it announces renewed tokens, the reports warm their figures.
        from registry.tally import revisions_renewed

        from . import tasks

        revisions_renewed.connect(tasks.warm_after_write, dispatch_uid="reports.warm_after_write")
