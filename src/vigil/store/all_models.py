"""Import every module that defines tables, so ``Base.metadata`` is complete.

Alembic's autogenerate compares the migrations with this metadata; a table left out here
would be proposed for dropping. ``tests/foundation/test_schema_drift.py`` checks that every
module declaring a ``__tablename__`` is listed and that the migrations match the metadata.
This module is the one place the store looks up at the feature packages' tables, and the
import contracts allow it by name.
"""

import sqlalchemy as sa

from vigil.casework import models as casework_models  # noqa: F401
from vigil.collect import models as collect_models  # noqa: F401
from vigil.identifiers import models as identifier_models  # noqa: F401
from vigil.link import models as link_models  # noqa: F401
from vigil.partners import models as partners_models  # noqa: F401
from vigil.platforms import models as platform_models  # noqa: F401
from vigil.reports import models as reports_models  # noqa: F401
from vigil.safeguard import models as safeguard_models  # noqa: F401
from vigil.store import models as models
from vigil.trends import models as trends_models  # noqa: F401
from vigil.watch import models as watch_models  # noqa: F401
from vigil.web import models as web_models  # noqa: F401

#: Search objects the ``search`` migrations make or keep per dialect (an FTS5 table and the
#: single-column posted_at, platform and kind indexes on SQLite; a stored tsvector column and ordered
#: indexes on PostgreSQL). The metadata cannot describe them for both databases at once, so
#: the comparison with it leaves them out.
SEARCH_TABLE_PREFIX = "documents_fts"
SEARCH_OBJECTS = frozenset({
    "ix_analyses_risk_score", "ix_documents_fulltext", "ix_documents_newest", "search_vector",
    "ix_documents_platform_pk", "ix_documents_kind_lang_pk", "ix_analyses_score_doc", "ix_analyses_level_doc",
    "ix_documents_platform", "ix_documents_kind", "ix_documents_posted_at",
})


#: Foreign keys of ``documents`` that PostgreSQL checks by statement-level triggers instead
#: (``ingest_0002``): (column, table referred to). SQLite keeps them as foreign keys.
TRIGGER_CHECKED_REFERENCES = frozenset({("source_id", "sources"), ("ingest_run_id", "ingest_runs")})


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Alembic's ``include_object`` hook: everything but the per-dialect search and reference-check objects."""
    if type_ == "foreign_key_constraint" and isinstance(obj, sa.ForeignKeyConstraint):
        columns = [column.name for column in obj.columns]
        if obj.table.name == "documents" and len(columns) == 1:
            return (columns[0], obj.referred_table.name) not in TRIGGER_CHECKED_REFERENCES
    if name is None:
        return True
    if type_ == "table" and name.startswith(SEARCH_TABLE_PREFIX):
        return False
    return not (type_ in {"index", "column"} and name in SEARCH_OBJECTS)
