"""Empty the registry before a load, rebuild the counts kept ready after it.

The counts kept ready are written by the registry's services, and the loaders write past
them: ``tally_rebuild`` recounts them from the loaded rows.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from registry.models import AwardForm, CurrentTally, Field, Tally
from registry.tally import tally_rebuild

from .data import DEMO_USERS, DEMO_USERS_AFTER_REFORM

__all__ = ["delete_demo", "reset_registry", "tally_rebuild", "tally_tables"]


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
    demo_users = [username for username, _, _ in DEMO_USERS + DEMO_USERS_AFTER_REFORM]
    get_user_model().objects.filter(username__in=demo_users).delete()


def reset_registry(log):
    """Empty the registry like ``load_demo --reset``; on PostgreSQL TRUNCATE does it in seconds.

    Rows of other apps that point into the registry (pending imports, the report tally) are
    emptied too: they would describe data that no longer exists.
    """
    keep = {Field, Field.history.model, AwardForm}
    registry_models = [
        model
        for model in apps.get_app_config("registry").get_models(include_auto_created=True)
        if model not in keep
    ]
    if connection.vendor == "postgresql":
        tables = [connection.ops.quote_name(model._meta.db_table) for model in registry_models]
        with connection.cursor() as cursor:
            # Pending deferred foreign-key checks (rows written earlier in the same transaction)
            # would forbid the TRUNCATE: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    else:
        pointing = {
            relation.related_model
            for model in registry_models
            for relation in model._meta.related_objects
            if relation.related_model._meta.app_label != "registry"
        }
        for model in pointing:
            model._base_manager.all().delete()
    delete_demo()
    log("Đã xóa dữ liệu cũ của sổ đăng ký.")


def tally_tables():
    """Return the tables of the counts kept ready, for the ANALYZE after a bulk load."""
    return [Tally._meta.db_table, CurrentTally._meta.db_table]
