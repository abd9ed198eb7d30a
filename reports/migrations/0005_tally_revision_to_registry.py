from django.db import migrations


class Migration(migrations.Migration):
    """The counts kept ready now belong to the registry (its migration 0010 keeps the tables)."""

    dependencies = [
        ('reports', '0004_revision'),
        ('registry', '0010_tally_revision_from_reports'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='Revision'),
                migrations.DeleteModel(name='Tally'),
            ],
        ),
    ]
