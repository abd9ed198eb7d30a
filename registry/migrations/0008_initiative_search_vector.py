from django.db import migrations


def create(apps, schema_editor):
    """On PostgreSQL, keep the search key's words in a stored column with the index on it.

    Indexing the expression made every matching row recompute its words on recheck (a
    second for a common four-word search on a million models). Django never writes the
    column: the database computes it, so the model does not declare it.
    """
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS initiative_search_words")
    schema_editor.execute(
        "ALTER TABLE registry_initiative ADD COLUMN IF NOT EXISTS search_words tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS initiative_search_words ON registry_initiative USING gin (search_words)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS initiative_search_words")
    schema_editor.execute("ALTER TABLE registry_initiative DROP COLUMN IF EXISTS search_words")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS initiative_search_words ON registry_initiative "
        "USING gin (to_tsvector('simple'::regconfig, search_text))"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_registration_initiative_deleted"),
    ]

    operations = [migrations.RunPython(create, drop)]
