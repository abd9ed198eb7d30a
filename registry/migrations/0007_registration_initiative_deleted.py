from django.db import migrations, models


def fill(apps, schema_editor):
    """Copy each initiative's deletion onto its registrations."""
    Registration = apps.get_model("registry", "Registration")
    Initiative = apps.get_model("registry", "Initiative")
    Registration.objects.filter(initiative__in=Initiative.objects.filter(is_deleted=True)).update(
        initiative_deleted=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_initiative_search_words"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="registration",
            name="registration_year_id",
        ),
        migrations.AddField(
            model_name="registration",
            name="initiative_deleted",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="registration",
            index=models.Index(
                condition=models.Q(("initiative_deleted", False), ("is_deleted", False)),
                fields=["year", "id"],
                name="registration_alive_year_id",
            ),
        ),
    ]
