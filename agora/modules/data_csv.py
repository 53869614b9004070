"""Load a CSV data file: the file name is the model (``ir.model.access.csv``), the header
names the fields, ``id`` holds the external id of each row, ``field:id`` / ``field/id``
columns hold external ids of related records (comma-separated for x2many) and
``field/.id`` columns database ids.

Rows are converted one by one (errors name the line), then new records are created in one
batch and existing ones updated; if the batch fails, the rows are loaded again one by one
so the error names the row that fails."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from agora.modules.data_xml import DataFileError, DataLoader, parse_bool, qualify
from agora.orm.commands import Command
from agora.orm.environment import Environment


def _column(header: str) -> tuple[str, str]:
    """``'group_id:id'`` -> ``('group_id', 'xmlid')``; ``'x/.id'`` -> ``('x', 'dbid')``."""
    for suffix, kind in ((":id", "xmlid"), ("/id", "xmlid"), ("/.id", "dbid")):
        if header.endswith(suffix) and len(header) > len(suffix):
            return header[: -len(suffix)], kind
    return header, "value"


class _CsvLoader(DataLoader):
    def __init__(self, env: Environment, module: str, path: Path, update: bool,
                 noupdate: bool) -> None:
        super().__init__(env, module, path, update, noupdate)
        self.model = path.name[: -len(".csv")] if path.name.endswith(".csv") else path.stem
        self.refs: dict[str, int] = {}

    def error(self, message: str, line: int | None = None,
              xmlid: str | None = None) -> DataFileError:
        return DataFileError(message, path=self.path, line=line, xmlid=xmlid)

    def ref(self, xmlid: str, line: int, owner: str) -> int:
        xmlid = xmlid.strip()
        if xmlid not in self.refs:
            full, res_id = self.resolve(xmlid)
            if not res_id:
                raise self.error(f"External ID not found: {full}", line, owner)
            self.refs[xmlid] = res_id
        return self.refs[xmlid]

    # -- reading -------------------------------------------------------------------------
    def read_rows(self) -> list[tuple[int, str, dict[str, Any]]]:
        if self.model not in self.env:
            raise self.error(f"unknown model {self.model!r} (taken from the file name)")
        target = self.env[self.model]
        try:
            handle = self.path.open(newline="", encoding="utf-8-sig")
        except OSError as exc:
            raise self.error(f"cannot read: {exc}") from exc
        rows: list[tuple[int, str, dict[str, Any]]] = []
        seen: set[str] = set()
        with handle:
            reader = csv.reader(handle)
            try:
                header = next(reader)
            except StopIteration:
                return rows
            except csv.Error as exc:
                raise self.error(f"invalid CSV: {exc}", 1) from exc
            columns = []
            for raw in header:
                name, kind = _column(raw.strip())
                if name == "id" and kind == "value":
                    columns.append(("id", "id", None))
                    continue
                field = target._fields.get(name)
                if field is None:
                    raise self.error(f"model {self.model} has no field {name!r}", 1)
                if kind != "value" and not field.relational:
                    raise self.error(f"column {raw!r}: {name} is not a relational field", 1)
                columns.append((name, kind, field))
            if not any(kind == "id" for _n, kind, _f in columns):
                raise self.error("a data CSV file needs an 'id' column", 1)
            try:
                for row in reader:
                    line = reader.line_num
                    if not any(cell.strip() for cell in row):
                        continue
                    if len(row) != len(columns):
                        raise self.error(f"{len(row)} cells for {len(columns)} columns", line)
                    rows.append(self.convert_row(row, columns, line, seen))
            except csv.Error as exc:
                raise self.error(f"invalid CSV: {exc}", reader.line_num) from exc
        return rows

    def convert_row(self, row: list[str], columns: list[tuple[str, str, Any]], line: int,
                    seen: set[str]) -> tuple[int, str, dict[str, Any]]:
        xmlid = ""
        for (_name, kind, _field), cell in zip(columns, row, strict=True):
            if kind == "id":
                xmlid = cell.strip()
        if not xmlid:
            raise self.error("empty id", line)
        xmlid = qualify(xmlid, self.module)
        if xmlid in seen:
            raise self.error("the same id appears twice in the file", line, xmlid)
        seen.add(xmlid)
        values: dict[str, Any] = {}
        for (name, kind, field), cell in zip(columns, row, strict=True):
            if kind == "id":
                continue
            try:
                values[name] = self.convert(cell, kind, field, line, xmlid)
            except DataFileError:
                raise
            except (ValueError, TypeError) as exc:
                raise self.error(f"column {name}: {exc}", line, xmlid) from exc
        return line, xmlid, values

    def convert(self, cell: str, kind: str, field: Any, line: int, xmlid: str) -> Any:
        text = cell.strip()
        many = field.type in ("one2many", "many2many")
        if kind in ("xmlid", "dbid"):
            if not text:
                return [(Command.CLEAR, 0, 0)] if many else False
            parts = [part.strip() for part in text.split(",") if part.strip()]
            ids = [self.ref(part, line, xmlid) if kind == "xmlid" else int(part)
                   for part in parts]
            if many:
                return [(Command.SET, 0, ids)]
            if len(ids) != 1:
                raise ValueError(f"one record expected, got {text!r}")
            if field.type == "reference":
                raise ValueError("use 'model,id' values for a reference field")
            return ids[0]
        kind = field.type
        if kind in ("char", "text", "html"):
            return cell if cell else False
        if not text:
            return [(Command.CLEAR, 0, 0)] if many else False
        if kind == "boolean":
            return parse_bool(text)
        if kind == "integer":
            return int(text)
        if kind in ("float", "monetary"):
            return float(text)
        if kind == "json":
            return json.loads(text)
        if kind == "many2one":
            if text.isdigit():
                return int(text)
            comodel = self.env[field.comodel_name]
            found = comodel.search([(comodel._rec_name or "id", "=", text)], limit=2)
            if len(found) != 1:
                raise ValueError(f"{'no' if not found else 'several'} {field.comodel_name} "
                                 f"named {text!r} (use a {field.name}:id column)")
            return found.id
        if many:
            return [(Command.SET, 0, [int(part) for part in text.split(",")])]
        return text

    # -- writing -----------------------------------------------------------------------
    def load(self) -> set[str]:
        rows = self.read_rows()
        if not rows:
            return set()
        try:
            with self.env.cr.savepoint():
                self.load_batch(rows)
                self.env.flush_all()
        except DataFileError:
            raise
        except Exception:  # noqa: BLE001 - find the failing row, below
            self.refs.clear()
            self.load_one_by_one(rows)
        return {xmlid for _line, xmlid, _values in rows}

    def load_batch(self, rows: list[tuple[int, str, dict[str, Any]]]) -> None:
        keys = {tuple(xmlid.split(".", 1)) for _line, xmlid, _values in rows}
        entries = self.data.sudo().search([("module", "in", sorted({m for m, _n in keys})),
                                           ("name", "in", sorted({n for _m, n in keys}))])
        by_key = {(e.module, e.name): e for e in entries}
        target = self.env[self.model]
        alive = set(target.browse([e.res_id for e in entries
                                   if e.model == self.model and e.res_id]).exists().ids)
        creations: list[tuple[str, dict[str, Any], Any]] = []
        for line, xmlid, values in rows:
            entry = by_key.get(tuple(xmlid.split(".", 1)))
            if entry is not None and entry.model != self.model:
                raise self.error(f"external id refers to a {entry.model}, not a {self.model}",
                                 line, xmlid)
            if entry is not None and entry.res_id in alive:
                if not (entry.noupdate and self.update):
                    target.browse(entry.res_id).write(values)
                continue
            creations.append((xmlid, values, entry))
        if not creations:
            return
        records = target.create([values for _xmlid, values, _entry in creations])
        new_entries = []
        for (xmlid, _values, entry), record in zip(creations, records, strict=True):
            if entry is not None:
                entry.write({"res_id": record.id, "noupdate": self.noupdate})
            else:
                module, name = xmlid.split(".", 1)
                new_entries.append({"module": module, "name": name, "model": self.model,
                                    "res_id": record.id, "noupdate": self.noupdate})
        if new_entries:
            self.data.sudo().create(new_entries)

    def load_one_by_one(self, rows: list[tuple[int, str, dict[str, Any]]]) -> None:
        for line, xmlid, values in rows:
            try:
                self.data._load_record(xmlid, self.model, values, module=self.module,
                                       noupdate=self.noupdate, update=self.update)
                self.env.flush_all()
            except Exception as exc:
                raise self.error(f"{type(exc).__name__}: {exc}", line, xmlid) from exc


def load_csv(env: Environment, module: str, path: Path, update: bool = False, *,
             noupdate: bool = False) -> set[str]:
    """Load the CSV data file ``path`` of ``module`` into the model named by the file;
    return the external ids (``module.name``) of its rows.

    ``update``: records whose external id is noupdate are left alone. ``noupdate``: flag
    the external ids created (demo data)."""
    if "ir.model.data" not in env:
        raise DataFileError("loading data files needs the base module (ir.model.data)",
                            path=path)
    return _CsvLoader(env, module, Path(path), update, noupdate).load()
