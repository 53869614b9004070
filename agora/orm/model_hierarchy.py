"""``_parent_store``: a materialised ``parent_path`` ('1/5/9/') for fast child_of."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agora.db.sql import SQL
from agora.orm.exceptions import MissingError, ValidationError

if TYPE_CHECKING:
    from agora.orm.models import BaseModel


class HierarchyMixin:
    __slots__ = ()

    def _parent_store_compute(self: BaseModel, records: BaseModel) -> None:
        """Set parent_path of new records, level by level (one UPDATE per depth)."""
        self.env.flush_all()
        table = SQL.identifier(self._table)
        parent = SQL.identifier("node", self._parent_name)
        todo = set(records._ids)
        done: set[int] = set()
        cr = self.env.cr
        while todo:
            # the records whose parent is outside the batch or already done
            cr.execute(SQL("SELECT id FROM %s AS node WHERE id = ANY(%s) AND (%s IS NULL OR "
                           "NOT (%s = ANY(%s)) OR %s = ANY(%s))", table, list(todo), parent,
                           parent, list(todo), parent, list(done)))
            level = [row[0] for row in cr.fetchall()]
            if not level:
                raise ValidationError(f"{self._name}: recursive parent hierarchy",
                                      model=self._name, field=self._parent_name)
            cr.execute(SQL(
                "UPDATE %s AS t SET parent_path = COALESCE(p.parent_path, '') || t.id || '/' "
                "FROM %s AS node LEFT JOIN %s AS p ON p.id = %s "
                "WHERE t.id = node.id AND t.id = ANY(%s)", table, table, table, parent, level))
            todo.difference_update(level)
            done.update(level)
        self.env.cache.pop(self._fields["parent_path"], None)

    def _parent_store_move(self: BaseModel) -> None:
        """After a parent change, rewrite the paths of the moved subtrees."""
        self.env.flush_all()
        table = SQL.identifier(self._table)
        cr = self.env.cr
        for record in self:
            parent = record[self._parent_name]
            cr.execute(SQL("SELECT parent_path FROM %s WHERE id = %s", table, record.id))
            row = cr.fetchone()
            if row is None:  # an id that names no record (a caller's made-up one)
                raise MissingError(f"Record does not exist or has been deleted: "
                                   f"{self._name}({record.id},)", model=self._name)
            old_path = row[0]
            if old_path is None:  # never computed (rows written by SQL): compute it now
                self._parent_store_compute(record)
                continue
            if parent:
                cr.execute(SQL("SELECT parent_path FROM %s WHERE id = %s", table, parent.id))
                parent_path = cr.fetchone()[0] or ""
                if parent_path.startswith(old_path):
                    raise ValidationError(
                        f"{self._name}: record {record.id} cannot be its own ancestor",
                        model=self._name, field=self._parent_name)
            else:
                parent_path = ""
            new_path = f"{parent_path}{record.id}/"
            cr.execute(SQL("UPDATE %s SET parent_path = %s || substr(parent_path, %s) "
                           "WHERE parent_path LIKE %s", table, new_path, len(old_path) + 1,
                           old_path.replace("%", "").replace("_", "\\_") + "%"))
        self.env.cache.pop(self._fields["parent_path"], None)

    def _has_cycle(self: BaseModel, field_name: str | None = None) -> bool:
        """True if following ``field_name`` (default the parent field) loops."""
        name = field_name or self._parent_name
        for record in self:
            seen = {record.id}
            current = record[name]
            while current:
                if current.id in seen:
                    return True
                seen.add(current.id)
                current = current[name]
        return False
