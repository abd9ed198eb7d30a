from django.db import migrations, models

# Unit searches without diacritics are LIKE '%word%' on folded names: on PostgreSQL a trigram
# index answers them without reading every row. SQLite has no such index and scans.
TRIGRAM_INDEXES = {
    "unit_search_trgm": ("registry_unit", "search_name"),
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in TRIGRAM_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_registration_recognition"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="registration",
            index=models.Index(fields=["year", "id"], name="registration_year_id"),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
