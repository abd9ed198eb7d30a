"""The task workers' signs of life, so that the tasks of a worker that is gone can be found."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last time a task worker (``manage.py db_worker``) said it was alive.

    A worker writes its row every few seconds from a thread of its own; a running task whose
    worker has been silent for longer than ``worker.recovery.LOST`` is lost (the process was
    killed, or died), and is resumed or failed by another worker.
    """

    worker_id = models.CharField(_("tiến trình"), max_length=64, primary_key=True)
    seen_at = models.DateTimeField(_("lần cuối còn chạy"), db_index=True)

    class Meta:
        verbose_name = _("tiến trình xử lý nền")
        verbose_name_plural = _("tiến trình xử lý nền")

    def __str__(self):
        return self.worker_id
