from django.db import migrations, models
from django.db.models import Case, Exists, IntegerField, OuterRef, Subquery, Value, When

# registry.choices.LEVEL_RANK when this migration was written (the migration must not change with it).
LEVEL_RANK = {"grassroots": 1, "commune": 2, "district": 3, "bloc": 4, "province": 5, "central": 6}


def fill(apps, schema_editor):
    """Set the new columns from the decisions already recorded."""
    Registration = apps.get_model("registry", "Registration")
    Decision = apps.get_model("registry", "Decision")
    alive = Decision.objects.filter(is_deleted=False, registrations=OuterRef("pk"))
    rank = Case(
        *[When(level=level, then=Value(value)) for level, value in LEVEL_RANK.items()],
        output_field=IntegerField(),
    )
    top = alive.filter(kind="recognition").annotate(rank=rank).order_by("-rank").values("rank")[:1]
    Registration.objects.filter(Exists(alive)).update(
        recognition_rank=Subquery(top, output_field=IntegerField()),
        is_commended=Exists(alive.filter(kind="commendation")),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_seed_fields_award_forms"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="is_commended",
            field=models.BooleanField(default=False, editable=False, verbose_name="đã được khen thưởng"),
        ),
        migrations.AddField(
            model_name="registration",
            name="recognition_rank",
            field=models.PositiveSmallIntegerField(
                blank=True, editable=False, null=True, verbose_name="cấp công nhận cao nhất"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
