#!/usr/bin/env python3
# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Snapshots of the suite's data, to prove that an upgrade leaves it unchanged
and that an uninstall leaves nothing of the addon behind.

Standard library only, read through ``psql`` (no Odoo needed, so a snapshot
takes a second). What a snapshot holds, each as "row count:md5 of the rows":

* every table of a model the suite defines (all columns but write_date and
  write_uid; reports that are SQL views are left out), and every many2many
  table the suite created;
* on core models the suite extends (crm.lead, sale.order, res.partner ...), the
  columns of the fields it adds, over all rows;
* the core records the suite's data and demo files create or update (groups,
  crons, views, rules, tags, contracts, products ...), with all their columns,
  the members of the suite's groups, the partner tags, and the XML ids;
* the state and version of the four modules.

Used by ``tools/suite.py test``; by hand:
``PGHOST=... python3 tools/upgrade_check.py snapshot DB`` prints one.
"""

import json
import os
import subprocess
import sys

from suite import ADDONS  # the addons of the repository

# Bookkeeping an update rewrites by design: write stamps, and the previous arch
# a view keeps (the file's text at install, the stored arch after an update).
SKIPPED_COLUMNS = ("write_date", "write_uid", "arch_prev")
# Core models whose records, when the suite's XML creates or updates them, are
# compared column by column (other models' data records by their XML id only).
CORE_RECORD_MODELS = (
    "res.groups",
    "res.groups.privilege",
    "res.partner",
    "res.partner.category",
    "product.product",
    "product.template",
    "product.category",
    "crm.stage",
    "contract.contract",
    "contract.line",
    "tier.definition",
    "mail.activity.type",
    "ir.cron",
    "ir.rule",
    "ir.model.access",
    "ir.ui.view",
    "ir.ui.menu",
)
CORE_RELATIONS = ("res_partner_res_partner_category_rel",)
TECHNICAL_MODELS = ("tier.definition", "mail.activity.type", "res.config.settings")


def psql_query(db, sql, env=None, psql="psql"):
    """Rows of ``sql`` on ``db`` as lists of strings (tab-separated output)."""
    out = subprocess.run(
        [psql, "-X", "-q", "-d", db, "-tA", "-F", "\t", "-v", "ON_ERROR_STOP=1"],
        input=sql,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if out.returncode:
        raise RuntimeError(f"psql on {db} failed: {out.stderr.strip()}\n{sql}")
    return [line.split("\t") for line in out.stdout.splitlines() if line]


def _lit(values):
    """A SQL array literal of text values (names read from the catalog)."""
    quoted = ",".join("'" + str(v).replace("'", "''") + "'" for v in values)
    return f"ARRAY[{quoted}]::text[]"


def _ident(name):
    return '"' + name.replace('"', '""') + '"'


def _table(model):
    return model.replace(".", "_")


MAGIC_FIELDS = ("id", "create_uid", "create_date", "write_uid", "write_date")


class Snapshot:
    """Reads the catalog, then computes every checksum in one query."""

    def __init__(self, query):
        self.query = query
        self.parts = []  # (label, SQL expression giving "count:md5")
        self.table_columns = {}

    def metadata(self):
        """{addon: {"models": [...], "fields": {model: [column ...]}}}."""
        rows = self.query(
            f"""
            SELECT d.module, m.model,
                   bool_and(d2.module = ANY({_lit(ADDONS)})) AS own,
                   (array_agg(d2.module ORDER BY d2.id))[1] AS creator
              FROM ir_model_data d
              JOIN ir_model m ON m.id = d.res_id
              JOIN ir_model_data d2 ON d2.model = 'ir.model' AND d2.res_id = m.id
             WHERE d.model = 'ir.model' AND d.module = ANY({_lit(ADDONS)})
               AND NOT m.transient
             GROUP BY d.module, m.model
            """
        )
        meta = {addon: {"models": [], "fields": {}} for addon in ADDONS}
        # a model is the addon's that created it (its first XML id): a glue
        # addon that extends crm.territory does not own it
        for module, model, is_own, creator in rows:
            if is_own == "t" and creator == module:
                meta[module]["models"].append(model)
        # a column is the addon's that created its field (its first XML id),
        # on a model the addon does not own: a glue addon's column on a suite
        # model is the glue addon's, and must go when it is uninstalled
        rows = self.query(
            f"""
            SELECT f.model, f.name, (array_agg(d.module ORDER BY d.id))[1]
              FROM ir_model_data d
              JOIN ir_model_fields f ON f.id = d.res_id
              JOIN ir_model m ON m.id = f.model_id
             WHERE d.model = 'ir.model.fields'
               AND f.store AND f.ttype NOT IN ('one2many', 'many2many')
               AND NOT m.transient
               AND NOT (f.name = ANY({_lit(MAGIC_FIELDS)}))
             GROUP BY f.model, f.name
            HAVING (array_agg(d.module ORDER BY d.id))[1] = ANY({_lit(ADDONS)})
             ORDER BY 3, 1, 2
            """
        )
        for model, name, module in rows:
            if model not in meta[module]["models"]:
                meta[module]["fields"].setdefault(model, []).append(name)
        for addon in ADDONS:
            meta[addon]["models"].sort()
        return meta

    def load_columns(self, tables):
        rows = self.query(
            f"""
            SELECT table_name, column_name FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name = ANY({_lit(tables)})
             ORDER BY table_name, ordinal_position
            """
        )
        for table, column in rows:
            if column not in SKIPPED_COLUMNS:
                self.table_columns.setdefault(table, []).append(column)
        # SQL views (reports) hold no data of their own: what they show
        # follows from the tables compared, and may depend on the date
        views = self.query(
            f"""
            SELECT table_name FROM information_schema.views
             WHERE table_schema = 'public' AND table_name = ANY({_lit(tables)})
            """
        )
        for (view,) in views:
            self.table_columns.pop(view, None)

    def add(self, label, table, columns, where="TRUE", order="id"):
        if table not in self.table_columns:
            return  # abstract model, or a table that is gone
        present = self.table_columns[table]
        columns = [c for c in columns if c in present]
        row = ", ".join(_ident(c) for c in columns)
        self.parts.append(
            (
                label,
                f"""(SELECT count(*) || ':' || md5(coalesce(string_agg(
                        ROW({row})::text, '|' ORDER BY {order}), ''))
                       FROM {_ident(table)} t WHERE {where})""",
            )
        )

    def take(self):
        meta = self.metadata()
        relations = self.query(
            f"""
            SELECT mm.name, r.name FROM ir_model_relation r
              JOIN ir_module_module mm ON mm.id = r.module
             WHERE mm.name = ANY({_lit(ADDONS)}) ORDER BY 1, 2
            """
        )
        records = self.query(
            f"""
            SELECT model, string_agg(res_id::text, ',' ORDER BY res_id)
              FROM ir_model_data
             WHERE module = ANY({_lit(ADDONS)})
               AND model = ANY({_lit(CORE_RECORD_MODELS)})
             GROUP BY model ORDER BY model
            """
        )
        tables = {_table(m) for a in ADDONS for m in meta[a]["models"]}
        tables |= {_table(m) for a in ADDONS for m in meta[a]["fields"]}
        tables |= {t for _m, t in relations} | set(CORE_RELATIONS)
        tables |= {_table(m) for m, _ids in records}
        tables |= {"res_groups_users_rel", "ir_model_data", "ir_module_module"}
        self.load_columns(sorted(tables))
        for addon in ADDONS:
            for model in meta[addon]["models"]:
                table = _table(model)
                self.add(f"{addon}: {model}", table, self.table_columns.get(table))
            for model, names in sorted(meta[addon]["fields"].items()):
                label = f"{addon}: {model} fields {','.join(names)}"
                self.add(label, _table(model), ["id", *names])
        for module, table in relations:
            self._add_table(f"{module}: table {table}", table)
        for table in CORE_RELATIONS:
            self._add_table(f"core: table {table}", table)
        for model, ids in records:
            table = _table(model)
            self.add(
                f"core records: {model}",
                table,
                self.table_columns.get(table, []),
                where=f"id IN ({ids})",
            )
        self._add_suite_rows()
        sql = "\nUNION ALL\n".join(
            f"SELECT {i}, {expr}" for i, (_label, expr) in enumerate(self.parts)
        )
        values = dict(self.query(sql)) if self.parts else {}
        snap = {label: values[str(i)] for i, (label, _e) in enumerate(self.parts)}
        snap["_meta"] = meta
        return snap

    def _add_table(self, label, table):
        self.add(label, table, self.table_columns.get(table, []), order="t::text")

    def _add_suite_rows(self):
        self.add(
            "core: members of the suite's groups",
            "res_groups_users_rel",
            ["gid", "uid"],
            where=f"""gid IN (SELECT res_id FROM ir_model_data
                      WHERE model = 'res.groups' AND module = ANY({_lit(ADDONS)}))""",
            order="gid, uid",
        )
        self.add(
            "core: xml ids of the suite",
            "ir_model_data",
            ["module", "name", "model", "res_id", "noupdate"],
            where=f"module = ANY({_lit(ADDONS)})",
            order="module, name",
        )
        self.add(
            "core: suite modules",
            "ir_module_module",
            ["name", "state", "latest_version", "demo"],
            where=f"name = ANY({_lit(ADDONS)})",
            order="name",
        )


def take(query):
    return Snapshot(query).take()


def compare(before, after):
    """Lines saying what differs between two snapshots (empty: identical)."""
    lines = []
    for key in sorted(set(before) | set(after)):
        if key == "_meta":
            continue
        old, new = before.get(key, "missing"), after.get(key, "missing")
        if old != new:
            lines.append(f"{key}: {old} -> {new}")
    if before.get("_meta") != after.get("_meta"):
        lines.append("the models or fields the suite declares changed")
    return lines


def summary(snap):
    """'N tables, N rows' over the suite models' own tables."""
    rows = 0
    tables = 0
    for key, value in snap.items():
        if key == "_meta" or ":" not in value:
            continue
        tables += 1
        rows += int(value.split(":", 1)[0])
    return f"{tables} checksums over {rows} rows"


def leftovers(query, addon, meta):
    """What an uninstalled ``addon`` left behind: (problems, kept).

    ``kept`` are business records of its data that Odoo could not delete
    because other records use them (a product on an invoice line): Odoo keeps
    them, with their XML ids, by design. Anything else left is a problem.
    """
    problems = []
    (state,) = query(f"SELECT state FROM ir_module_module WHERE name = '{addon}'")
    if state[0] != "uninstalled":
        problems.append(f"module state is {state[0]}, not uninstalled")
    rows = query(
        f"""SELECT model, string_agg(res_id::text, ',' ORDER BY res_id)
              FROM ir_model_data WHERE module = '{addon}'
             GROUP BY model ORDER BY model"""
    )
    kept = [f"{model} {ids}" for model, ids in rows if not _technical(model)]
    problems += [
        f"XML ids of {addon} remain: {model} {ids}"
        for model, ids in rows
        if _technical(model)
    ]
    models = meta[addon]["models"]
    if models:
        rows = query(f"SELECT model FROM ir_model WHERE model = ANY({_lit(models)})")
        if rows:
            problems.append("models remain: " + ", ".join(r[0] for r in rows))
        rows = query(
            f"""SELECT t FROM unnest({_lit([_table(m) for m in models])}) t
                 WHERE to_regclass(t) IS NOT NULL"""
        )
        if rows:
            problems.append("tables remain: " + ", ".join(r[0] for r in rows))
    # indexes the addon declares on core tables (models.Index) carry its name
    rows = query(
        f"""SELECT indexname FROM pg_indexes
             WHERE schemaname = 'public' AND indexname LIKE '%{addon}%'"""
    )
    if rows:
        problems.append("indexes remain: " + ", ".join(r[0] for r in rows))
    for model, names in meta[addon]["fields"].items():
        rows = query(
            f"""
            SELECT column_name FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name = '{_table(model)}'
               AND column_name = ANY({_lit(names)})
            """
        )
        if rows:
            cols = ", ".join(r[0] for r in rows)
            problems.append(f"columns remain on {model}: {cols}")
    return problems, kept


def _technical(model):
    """Models whose records an uninstall must always remove."""
    return model.startswith(("ir.", "res.groups")) or model in TECHNICAL_MODELS


def main(argv):
    if len(argv) != 3 or argv[1] != "snapshot":
        sys.exit("usage: upgrade_check.py snapshot DB")
    snap = take(lambda sql: psql_query(argv[2], sql, env=os.environ))
    print(json.dumps(snap, indent=1, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv)
