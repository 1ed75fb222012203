"""Many rows in one statement, straight to the database driver: the store process's write path.

Saving a partition of analyses writes tens of thousands of rows. Going through the ORM,
or through Core with a dict per row, costs SQLAlchemy's per-row parameter processing,
several times the database's own work; here a statement is one ``executemany`` of plain
tuples, with values already formatted the way the column types store them (JSON text
serialised once, timestamps through the column's own bind processing). The SQL is the same
on SQLite and PostgreSQL but for the parameter marks. Names are fixed by the callers,
never taken from data.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from vigil.errors import StoreError

#: Values per ``IN (...)`` list on SQLite (well under its parameter limit).
IN_CHUNK: Final = 500
#: Dialects whose SQL this module writes.
DIALECTS: Final = ("sqlite", "postgresql")

Row = tuple[Any, ...]


def _mark(connection: Connection) -> str:
    dialect = connection.dialect.name
    if dialect not in DIALECTS:
        raise StoreError(f"the store's write path does not support the {dialect} database")
    return "?" if dialect == "sqlite" else "%s"


def _names(columns: Sequence[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def insert_rows(
    connection: Connection, table: str, columns: Sequence[str], rows: Sequence[Row], *, on_conflict: str = ""
) -> None:
    """``INSERT INTO table (columns) VALUES (...) [on_conflict]`` for every row, in one ``executemany``."""
    if not rows:
        return
    marks = ", ".join(_mark(connection) for _ in columns)
    statement = f'INSERT INTO "{table}" ({_names(columns)}) VALUES ({marks}) {on_conflict}'  # noqa: S608 - fixed names
    connection.exec_driver_sql(statement, list(rows))


def update_rows(connection: Connection, table: str, columns: Sequence[str], key: str, rows: Sequence[Row]) -> None:
    """``UPDATE table SET columns = ... WHERE key = ...``; each row is the new values, then the key."""
    if not rows:
        return
    mark = _mark(connection)
    assignments = ", ".join(f'"{c}" = {mark}' for c in columns)
    statement = f'UPDATE "{table}" SET {assignments} WHERE "{key}" = {mark}'  # noqa: S608 - fixed names
    connection.exec_driver_sql(statement, list(rows))


def _chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _in_clauses(connection: Connection, column: str, values: Sequence[Any]) -> Iterator[tuple[str, Any]]:
    """``(condition, parameters)`` pairs covering ``values``: one ``= ANY`` on PostgreSQL, chunks of ``IN`` on SQLite."""
    mark = _mark(connection)
    if connection.dialect.name == "postgresql":
        yield f'"{column}" = ANY({mark})', (list(values),)
        return
    for chunk in _chunks(values):
        yield f'"{column}" IN ({", ".join(mark for _ in chunk)})', tuple(chunk)


def delete_where_in(connection: Connection, table: str, column: str, values: Sequence[Any]) -> None:
    """``DELETE FROM table WHERE column IN values``."""
    for condition, parameters in _in_clauses(connection, column, list(values)):
        connection.exec_driver_sql(f'DELETE FROM "{table}" WHERE {condition}', parameters)  # noqa: S608 - fixed names


def select_where_in(
    connection: Connection, table: str, columns: Sequence[str], column: str, values: Sequence[Any]
) -> Iterable[Row]:
    """``SELECT columns FROM table WHERE column IN values``, as plain tuples (no type processing)."""
    found: list[Row] = []
    for condition, parameters in _in_clauses(connection, column, list(values)):
        statement = f'SELECT {_names(columns)} FROM "{table}" WHERE {condition}'  # noqa: S608 - fixed names
        found.extend(tuple(row) for row in connection.exec_driver_sql(statement, parameters))
    return found


def timestamp(connection: Connection, column: sa.ColumnElement[Any], value: datetime) -> Any:
    """``value`` as ``column``'s type binds it on this connection (SQLite keeps text, PostgreSQL the datetime)."""
    process = column.type.bind_processor(connection.dialect)
    return value if process is None else process(value)
