"""Empty the registry before a load, rebuild the report counts after it.

The one module of the package that reaches past the registry, into reports: the counts kept
ready for the reports are written by the services, and the loaders write past them.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from registry.models import AwardForm, Field
from reports.tally import tally_rebuild

from .data import DEMO_USERS

__all__ = ["delete_demo", "tally_rebuild"]


@transaction.atomic
def delete_demo():
    """Delete every registry row but the catalogues (fields, award forms), and the demo users.

    One DELETE per table, history tables included: the ORM's delete() would send a signal and
    write a history row for each of the thousands of deleted rows. The foreign keys are checked
    at commit (Django declares them deferred), when every table concerned is empty.
    """
    keep = {Field, Field.history.model, AwardForm}
    tables = [
        model._meta.db_table
        for label in ("reports", "registry")  # the report counts first: they point at units
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model not in keep
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
    get_user_model().objects.filter(username__in=[username for username, _, _ in DEMO_USERS]).delete()
