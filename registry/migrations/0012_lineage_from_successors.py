import datetime

from django.db import migrations


def lineage_from_successors(apps, schema_editor):
    """Record each unit's successor as a merge, one reorganisation per effective date."""
    Unit = apps.get_model("registry", "Unit")
    Reorganisation = apps.get_model("registry", "Reorganisation")
    Lineage = apps.get_model("registry", "Lineage")
    Registration = apps.get_model("registry", "Registration")
    by_day = {}
    for unit in Unit.objects.exclude(successor=None).exclude(valid_to=None).order_by("valid_to", "pk"):
        day = unit.valid_to + datetime.timedelta(days=1)
        if day not in by_day:
            by_day[day] = Reorganisation.objects.create(
                title=f"Sắp xếp tổ chức ngày {day:%d/%m/%Y}",
                effective_on=day,
                status="applied",
                note="Ghi nhận từ đơn vị kế thừa đã khai báo trước khi có kế hoạch sắp xếp.",
            )
        Lineage.objects.create(
            reorganisation=by_day[day],
            kind="merge",
            predecessor_id=unit.pk,
            successor_id=unit.successor_id,
            effective_on=day,
            is_main=True,
        )
    if Registration.objects.exists():
        # The carriers and the counts in today's structure, computed as the application does.
        from registry.tally import tally_rebuild

        tally_rebuild()


class Migration(migrations.Migration):
    dependencies = [("registry", "0011_lineage_and_current_counts")]

    operations = [migrations.RunPython(lineage_from_successors, migrations.RunPython.noop)]
