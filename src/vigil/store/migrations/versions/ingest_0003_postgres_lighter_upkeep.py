"""PostgreSQL: the reference check reads a statement's new documents once; ANALYZE skips the ad texts.

* ``vigil_documents_references()`` (migration ``ingest_0002``) read the statement's
  transition table four times (the sources it names, locking them, then any missing, the
  same for ingest runs). It now reads it once, for the distinct (source, ingest run) pairs
  of the statement, and checks and locks those: the same outcome (SQLSTATE 23503 naming the
  first missing key, the rows referred to locked ``FOR KEY SHARE``).
* ``ANALYZE`` (autovacuum runs it after every ingest that grows ``documents`` by a tenth)
  no longer gathers statistics for ``text``, ``title``, ``url``, ``images`` and ``meta``:
  no query filters, groups or sorts by them (search goes through ``search_vector``), and
  sorting a sample of 30,000 ad texts was a third of each ``ANALYZE`` of ``documents``
  (0.69 s against 0.45 s at 100,000 ads). A statistics target of 0 is PostgreSQL's way to
  say so; the planner's estimates for every other column are unchanged.

SQLite has neither (its foreign keys and ``ANALYZE`` are unchanged).

Revision ID: ingest_0003
Revises: ingest_0002
"""

from __future__ import annotations

from alembic import op

revision = "ingest_0003"
down_revision = "ingest_0002"
branch_labels = None
depends_on = None

#: Columns no query filters, groups or sorts by: ANALYZE gathers nothing for them.
UNANALYZED_COLUMNS = ("text", "title", "url", "images", "meta")

_CHECK_ONCE = """
CREATE OR REPLACE FUNCTION vigil_documents_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sources_named bigint[];
    runs_named bigint[];
    missing bigint;
BEGIN
    SELECT array_agg(DISTINCT named.source_id),
           array_agg(DISTINCT named.ingest_run_id) FILTER (WHERE named.ingest_run_id IS NOT NULL)
      INTO sources_named, runs_named
      FROM (SELECT DISTINCT source_id, ingest_run_id FROM vigil_new_documents) AS named;
    PERFORM 1 FROM sources WHERE id = ANY (sources_named) FOR KEY SHARE;
    SELECT n INTO missing FROM unnest(sources_named) AS n
     WHERE n IS NULL OR NOT EXISTS (SELECT 1 FROM sources s WHERE s.id = n) LIMIT 1;
    IF FOUND THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('insert or update on table "documents" names source %s, which does not exist', missing),
            TABLE = 'documents', COLUMN = 'source_id';
    END IF;
    PERFORM 1 FROM ingest_runs WHERE id = ANY (runs_named) FOR KEY SHARE;
    SELECT n INTO missing FROM unnest(runs_named) AS n
     WHERE NOT EXISTS (SELECT 1 FROM ingest_runs r WHERE r.id = n) LIMIT 1;
    IF FOUND THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('insert or update on table "documents" names ingest run %s, which does not exist', missing),
            TABLE = 'documents', COLUMN = 'ingest_run_id';
    END IF;
    RETURN NULL;
END $$
"""

#: ``ingest_0002``'s function, restored by the downgrade.
_CHECK_PER_COLUMN = """
CREATE OR REPLACE FUNCTION vigil_documents_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing bigint;
BEGIN
    PERFORM 1 FROM sources WHERE id IN (SELECT DISTINCT source_id FROM vigil_new_documents) FOR KEY SHARE;
    SELECT n.source_id INTO missing FROM vigil_new_documents n
     WHERE NOT EXISTS (SELECT 1 FROM sources s WHERE s.id = n.source_id) LIMIT 1;
    IF FOUND THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('insert or update on table "documents" names source %s, which does not exist', missing),
            TABLE = 'documents', COLUMN = 'source_id';
    END IF;
    PERFORM 1 FROM ingest_runs
     WHERE id IN (SELECT DISTINCT ingest_run_id FROM vigil_new_documents WHERE ingest_run_id IS NOT NULL)
       FOR KEY SHARE;
    SELECT n.ingest_run_id INTO missing FROM vigil_new_documents n
     WHERE n.ingest_run_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ingest_runs r WHERE r.id = n.ingest_run_id)
     LIMIT 1;
    IF FOUND THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('insert or update on table "documents" names ingest run %s, which does not exist', missing),
            TABLE = 'documents', COLUMN = 'ingest_run_id';
    END IF;
    RETURN NULL;
END $$
"""


def _statistics(target: int) -> str:
    columns = ", ".join(f"ALTER COLUMN {column} SET STATISTICS {target}" for column in UNANALYZED_COLUMNS)
    return f"ALTER TABLE documents {columns}"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_CHECK_ONCE)
    op.execute(_statistics(0))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_statistics(-1))
    op.execute(_CHECK_PER_COLUMN)
