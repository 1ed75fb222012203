"""PostgreSQL checks a document's source and ingest run once per statement, not once per row.

A foreign key checks each inserted row with a query of its own: two per document
(``source_id``, ``ingest_run_id``), a fifth of the server's work when ingest copies
thousands of rows of one source and one run. Here the two constraints of
``0001_foundation`` give way to statement-level triggers that check every row of the
statement at once against its transition table, with the same outcome:

* an insert or update of ``documents`` naming a source or ingest run that does not exist
  fails with ``foreign_key_violation`` (SQLSTATE 23503), and the rows it names are locked
  ``FOR KEY SHARE`` as a foreign key locks them, so a concurrent delete waits for the commit;
* a delete or key update of ``sources`` or ``ingest_runs`` that leaves a document pointing
  at nothing fails the same way (a foreign key's ``NO ACTION``);
* ``TRUNCATE`` of either table fails while documents point at it, unless ``documents`` is
  truncated in the same statement.

Like a foreign key under ``READ COMMITTED``, which Vigil uses; unlike one, a
``REPEATABLE READ`` transaction deleting a source would not see documents committed after
its snapshot. Vigil never deletes sources or ingest runs. SQLite keeps its foreign keys
(checking them costs little there).

Revision ID: ingest_0002
Revises: ingest_0001
"""

from __future__ import annotations

from alembic import op

revision = "ingest_0002"
down_revision = "ingest_0001"
branch_labels = None
depends_on = None

#: The foreign keys of ``documents`` that the triggers replace: (constraint, column, table referred to).
REPLACED = (
    ("documents_source_id_fkey", "source_id", "sources"),
    ("documents_ingest_run_id_fkey", "ingest_run_id", "ingest_runs"),
)

_DOCUMENTS_CHECK = """
CREATE FUNCTION vigil_documents_references() RETURNS trigger LANGUAGE plpgsql AS $$
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

#: One function per referred table: ``TG_TABLE_NAME`` and the column come in as arguments.
_REFERRED_CHECK = """
CREATE FUNCTION vigil_documents_referred() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    column_name text := TG_ARGV[0];
    gone bigint;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        EXECUTE format('SELECT %I FROM documents WHERE %I IS NOT NULL LIMIT 1', column_name, column_name) INTO gone;
    ELSE
        EXECUTE format(
            'SELECT o.id FROM vigil_old_rows o WHERE NOT EXISTS (SELECT 1 FROM %I t WHERE t.id = o.id) '
            'AND EXISTS (SELECT 1 FROM documents d WHERE d.%I = o.id) LIMIT 1',
            TG_TABLE_NAME, column_name
        ) INTO gone;
    END IF;
    IF gone IS NOT NULL THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('%s on table "%s" leaves documents pointing at %s %s', lower(TG_OP), TG_TABLE_NAME,
                             TG_TABLE_NAME, gone),
            TABLE = TG_TABLE_NAME;
    END IF;
    RETURN NULL;
END $$
"""


def _triggers() -> list[str]:
    statements = [
        "CREATE TRIGGER vigil_documents_references_insert AFTER INSERT ON documents "
        "REFERENCING NEW TABLE AS vigil_new_documents FOR EACH STATEMENT EXECUTE FUNCTION vigil_documents_references()",
        "CREATE TRIGGER vigil_documents_references_update AFTER UPDATE ON documents "
        "REFERENCING NEW TABLE AS vigil_new_documents FOR EACH STATEMENT EXECUTE FUNCTION vigil_documents_references()",
    ]
    for _name, column, table in REPLACED:
        statements += [
            f"CREATE TRIGGER vigil_documents_referred_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS "
            f"vigil_old_rows FOR EACH STATEMENT EXECUTE FUNCTION vigil_documents_referred('{column}')",
            f"CREATE TRIGGER vigil_documents_referred_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS "
            f"vigil_old_rows FOR EACH STATEMENT EXECUTE FUNCTION vigil_documents_referred('{column}')",
            f"CREATE TRIGGER vigil_documents_referred_truncate AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION vigil_documents_referred('{column}')",
        ]
    return statements


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _column, _table in REPLACED:
        op.execute(f"ALTER TABLE documents DROP CONSTRAINT IF EXISTS {name}")
    op.execute(_DOCUMENTS_CHECK)
    op.execute(_REFERRED_CHECK)
    for statement in _triggers():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS vigil_documents_references_insert ON documents")
    op.execute("DROP TRIGGER IF EXISTS vigil_documents_references_update ON documents")
    for _name, _column, table in REPLACED:
        for event in ("delete", "update", "truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS vigil_documents_referred_{event} ON {table}")
    op.execute("DROP FUNCTION IF EXISTS vigil_documents_references()")
    op.execute("DROP FUNCTION IF EXISTS vigil_documents_referred()")
    for name, column, table in REPLACED:
        op.execute(f"ALTER TABLE documents ADD CONSTRAINT {name} FOREIGN KEY ({column}) REFERENCES {table} (id)")
