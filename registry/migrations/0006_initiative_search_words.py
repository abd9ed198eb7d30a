from django.db import migrations


def add_unit_names(apps, schema_editor):
    """Initiatives' search keys now end with their unit's folded name (see Initiative.save)."""
    schema_editor.execute(
        "UPDATE registry_initiative SET search_text = TRIM(search_text || ' ' || COALESCE("
        "(SELECT search_name FROM registry_unit WHERE registry_unit.id = registry_initiative.unit_id), ''))"
    )


def create_word_index(apps, schema_editor):
    # The model list's search (InitiativeQuerySet.matching) uses this index on PostgreSQL.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS initiative_search_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS initiative_search_words ON registry_initiative "
        "USING gin (to_tsvector('simple'::regconfig, search_text))"
    )


def drop_word_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS initiative_search_words")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_unit_depth_path"),
    ]

    operations = [
        migrations.RunPython(add_unit_names, migrations.RunPython.noop),
        migrations.RunPython(create_word_index, drop_word_index),
    ]
