"""The stored text of the free-text search: per offer its words and those of its organisation,
kept current by the database itself.

- `search_vector`: the Dutch full-text document (offer name A, organisation name B, offer
  description C, organisation description D), the very expression the search used to compute
  per row and per query; with a GIN index.
- `search_text`: the same four texts joined by newlines, for the word-prefix match ("MST",
  "Stop it"), with a trigram GIN index (pg_trgm) that PostgreSQL uses for the regular
  expression.

On PostgreSQL two triggers keep both current on every write, whatever writes it (the admin,
imports, bulk loads, `QuerySet.update`, `loaddata`): one on the offer computes them before the
row is stored, one on the organisation recomputes its offers after a change of its name or
description (or its insertion, for loads whose deferred foreign keys insert offers first). On
SQLite the columns stay empty: the search there matches the four texts themselves.
"""

import django.contrib.postgres.search
from django.db import DatabaseError, migrations, models, transaction

OFFER_FUNCTION = r"""
CREATE OR REPLACE FUNCTION providers_offer_search_document() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    organisation_name text;
    organisation_description text;
BEGIN
    SELECT name, description INTO organisation_name, organisation_description
    FROM providers_organisation WHERE id = NEW.organisation_id;
    organisation_name := coalesce(organisation_name, '');
    organisation_description := coalesce(organisation_description, '');
    NEW.search_text := coalesce(NEW.name, '') || E'\n' || organisation_name || E'\n'
        || coalesce(NEW.description, '') || E'\n' || organisation_description;
    NEW.search_vector :=
        setweight(to_tsvector('dutch'::regconfig, coalesce(NEW.name, '')), 'A')
        || setweight(to_tsvector('dutch'::regconfig, organisation_name), 'B')
        || setweight(to_tsvector('dutch'::regconfig, coalesce(NEW.description, '')), 'C')
        || setweight(to_tsvector('dutch'::regconfig, organisation_description), 'D');
    RETURN NEW;
END
$$;
"""

ORGANISATION_FUNCTION = r"""
CREATE OR REPLACE FUNCTION providers_organisation_search_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Touching the column fires the offer trigger, which reads the organisation anew.
    UPDATE providers_offer SET search_text = '' WHERE organisation_id = NEW.id;
    RETURN NULL;
END
$$;
"""

FORWARDS = [
    OFFER_FUNCTION,
    ORGANISATION_FUNCTION,
    # Django writes every column on save; the trigger then overwrites what it sent. A
    # QuerySet.update of other columns (e.g. last_verified) leaves the document alone.
    "CREATE TRIGGER providers_offer_search_document BEFORE INSERT OR UPDATE OF "
    "name, description, organisation_id, search_text, search_vector ON providers_offer "
    "FOR EACH ROW EXECUTE FUNCTION providers_offer_search_document()",
    "CREATE TRIGGER providers_organisation_search_rename AFTER UPDATE OF name, description "
    "ON providers_organisation FOR EACH ROW WHEN "
    "(OLD.name IS DISTINCT FROM NEW.name OR OLD.description IS DISTINCT FROM NEW.description) "
    "EXECUTE FUNCTION providers_organisation_search_document()",
    "CREATE TRIGGER providers_organisation_search_insert AFTER INSERT "
    "ON providers_organisation FOR EACH ROW "
    "EXECUTE FUNCTION providers_organisation_search_document()",
    "UPDATE providers_offer SET search_text = ''",
    "CREATE INDEX offer_search_vector_idx ON providers_offer USING gin (search_vector)",
]

TRIGRAM = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX offer_search_text_trgm_idx ON providers_offer "
    "USING gin (search_text gin_trgm_ops)",
]

BACKWARDS = [
    "DROP INDEX IF EXISTS offer_search_text_trgm_idx",
    "DROP INDEX IF EXISTS offer_search_vector_idx",
    "DROP TRIGGER IF EXISTS providers_organisation_search_insert ON providers_organisation",
    "DROP TRIGGER IF EXISTS providers_organisation_search_rename ON providers_organisation",
    "DROP TRIGGER IF EXISTS providers_offer_search_document ON providers_offer",
    "DROP FUNCTION IF EXISTS providers_organisation_search_document()",
    "DROP FUNCTION IF EXISTS providers_offer_search_document()",
]


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in FORWARDS:
            cursor.execute(statement)
        # pg_trgm ships with PostgreSQL but creating it may need more rights than the site's
        # user has; without it the search gives the same results, only without that index.
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                for statement in TRIGRAM:
                    cursor.execute(statement)
        except DatabaseError:
            pass


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in BACKWARDS:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("providers", "0009_stable_ids")]

    operations = [
        migrations.AddField(
            model_name="offer",
            name="search_text",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="zoektekst"
            ),
        ),
        migrations.AddField(
            model_name="offer",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True, verbose_name="zoekvector"
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
