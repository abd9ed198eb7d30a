from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class WorkerConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "worker"
    verbose_name = _("Tiến trình xử lý nền")


class TasksDatabaseConfig(TasksAppConfig):
    """django-tasks' database backend, named in the administration site in the interface's language."""

    verbose_name = _("Hàng đợi tác vụ nền")
