# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Two sweeps generated from the registry, over JSON-RPC (issue 16).

1. Cross-company links: for every many2one the suite defines (on its own
   models and on the host models it extends) whose target has a company, a
   user of company A holding every right writes a company-B record into a
   company-A record. It must get a clear error, and nothing may change.
2. Public methods: every public method the suite defines is called by each
   role on a record of company B and on a record of its own company that it
   cannot read. It must get an AccessError, UserError, ValidationError or
   MissingError, and no table of the suite may change.

A field or method added tomorrow is swept without anyone listing it; one
whose model has no record in the world below makes the test fail until it
gets one.
"""

import inspect
from contextlib import closing

from odoo import Command, models
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .access_table import ROLES
from .company_world import CompanyWorldMixin
from .rpc_common import RpcMixin
from .suite_addons import ADDONS as SUITE

MAGIC = set(models.MAGIC_COLUMNS)

CLEAR = {
    "odoo.exceptions.AccessError",
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.MissingError",
}
MUTED = (
    "odoo.http",
    "odoo.models",
    "odoo.addons.base.models.ir_rule",
    "odoo.addons.base.models.ir_model",
    "odoo.sql_db",
)


def suite_module(thing):
    module = getattr(thing, "_module", None) or ""
    return module if module in SUITE else None


def suite_methods(model):
    """Public methods the suite's code defines on ``model``."""
    base = set(dir(models.BaseModel))
    names = set()
    for klass in type(model).__mro__:
        module = klass.__module__ or ""
        if not module.startswith("odoo.addons."):
            continue
        if module.split(".")[2] not in SUITE:
            continue
        for name, value in vars(klass).items():
            if name.startswith("_") or name in base or not callable(value):
                continue
            params = list(inspect.signature(value).parameters.values())[1:]
            if any(
                p.default is inspect.Parameter.empty
                and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                for p in params
            ):
                continue  # needs arguments only its own caller knows
            names.add(name)
    return sorted(names)


@tagged("post_install", "-at_install", "crm_suite")
class TestCompanySweeps(CompanyWorldMixin, RpcMixin, HttpCase):
    test_module = "crm_suite"
    LOGIN_PREFIX = "sw_"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_company_world()
        admin = cls.env.ref("base.user_admin")
        # company A's user holding every right of the database
        cls.super_a = new_test_user(
            cls.env,
            login="sw_super_a",
            password="sw_super_a",
            groups="base.group_user",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.super_a.group_ids = admin.group_ids
        for company, user in ((cls.company_a, cls.user_a), (cls.company_b, cls.user_b)):
            cls.records[company].update(cls._make_hosts(company, user))
        cls.role_users = {
            role: new_test_user(
                cls.env,
                login=f"sw_{role}",
                password=f"sw_{role}",
                groups=",".join(groups),
                company_id=cls.company_a.id,
                company_ids=[Command.set(cls.company_a.ids)],
            )
            for role, (groups, _label) in ROLES.items()
            if role != "public"
        }

    @classmethod
    def _make_hosts(cls, company, user):
        """Records of the host models whose fields or methods the suite adds."""
        env = cls.env(context=dict(cls.env.context, allowed_company_ids=company.ids))
        co = company.id
        if not company.chart_template:
            env["account.chart.template"].try_loading(
                "generic_coa", company=company, install_demo=False
            )
        partner = env["res.partner"].create(
            {"name": f"Customer {company.name}", "company_id": co}
        )
        product = env["product.product"].create(
            {"name": f"Product {company.name}", "company_id": co, "list_price": 10}
        )
        team = env["crm.team"].create(
            {"name": f"Team {company.name}", "company_id": co}
        )
        order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "company_id": co,
                "user_id": user.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        lead = env["crm.lead"].create(
            {
                "name": f"Sweep lead {company.name}",
                "type": "opportunity",
                "company_id": co,
                "user_id": user.id,
                "partner_id": partner.id,
            }
        )
        ticket = env["helpdesk.ticket"].create(
            {
                "name": f"Ticket {company.name}",
                "description": "x",
                "company_id": co,
                "partner_id": partner.id,
            }
        )
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "company_id": co,
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "price_unit": 10})
                ],
            }
        )
        production = env["mrp.production"].create(
            {"product_id": product.id, "product_qty": 1, "company_id": co}
        )
        contract = cls.records[company]["helpdesk.support.plan"].sudo().contract_id
        hosts = {
            "account.move": invoice,
            "account.move.line": invoice.invoice_line_ids,
            "mrp.production": production,
            "contract.line": contract.contract_line_ids[:1],
            "product.pricelist": env["product.pricelist"].create(
                {"name": f"Pricelist {company.name}", "company_id": co}
            ),
            "resource.calendar": env["resource.calendar"].create(
                {"name": f"Calendar {company.name}", "company_id": co}
            ),
            "helpdesk.ticket.team": env["helpdesk.ticket.team"].create(
                {"name": f"Helpdesk {company.name}", "company_id": co}
            ),
            "res.partner": partner,
            "product.product": product,
            "product.template": product.product_tmpl_id,
            "crm.team": team,
            "sale.order": order,
            "sale.order.line": order.order_line,
            "crm.lead": lead,
            "helpdesk.ticket": ticket,
            "res.company": company,
            "res.users": user,
            "contract.contract": contract,
        }
        if "mailing.list" in env:
            hosts["mailing.list"] = env["mailing.list"].create(
                {"name": f"List {company.name}"}
            )
        return hosts

    def suite_tables_checksum(self):
        self.env.flush_all()
        sums = {}
        for name, model in self.env.registry.items():
            if suite_module(model) and not model._abstract and model._auto:
                self.env.cr.execute(
                    SQL(
                        "SELECT md5(string_agg(md5(t::text), '' ORDER BY t.id)) "
                        "FROM %s t",
                        SQL.identifier(model._table),
                    )
                )
                sums[name] = self.env.cr.fetchone()[0]
        return sums

    def rpc_in_savepoint(self, *args, **kwargs):
        with closing(self.env.cr.savepoint(flush=False)):
            outcome = self.rpc(*args, **kwargs)
            changed = None
            if outcome[1] is None or self.check_tables:
                after = self.suite_tables_checksum()
                changed = [m for m, s in after.items() if self.before.get(m) != s]
        self.env.invalidate_all()
        return outcome, changed

    # ------------------------------------------------------------------
    @mute_logger(*MUTED)
    def test_cross_company_links_are_refused(self):
        theirs = self.records[self.company_b]
        mine = self.records[self.company_a]
        self.check_tables = False
        self.before = {}
        self.login("super_a")
        problems, swept, missing = [], 0, set()
        for model_name, Model in sorted(self.env.registry.items()):
            Model = self.env[model_name]
            # an SQL report (_auto False) is written by nobody: its links come
            # from the records it reads, which are swept themselves
            if Model._transient or Model._abstract or not Model._auto:
                continue
            for field in Model._fields.values():
                if (
                    field.type != "many2one"
                    or field.name in MAGIC
                    or not suite_module(field)
                    or not field.store
                    or "company_id" not in self.env[field.comodel_name]._fields
                    or field.comodel_name == "res.company"
                ):
                    continue
                record = mine.get(model_name)
                foreign = theirs.get(field.comodel_name)
                if not record or not foreign:
                    missing.add(f"{model_name}.{field.name} -> {field.comodel_name}")
                    continue
                swept += 1
                before = record.sudo().read([field.name])
                outcome, _changed = self.rpc_in_savepoint(
                    model_name, "write", record.ids, {field.name: foreign.id}
                )
                after = record.sudo().read([field.name])
                if outcome[1] not in CLEAR:
                    problems.append(f"{model_name}.{field.name}: {outcome!r:.140}")
                elif before != after:
                    problems.append(f"{model_name}.{field.name}: changed")
        self.assertFalse(missing, "no record to sweep: " + ", ".join(sorted(missing)))
        self.assertGreaterEqual(swept, 10)
        self.assertFalse(problems, "\n".join(problems))

    @mute_logger(*MUTED)
    def test_public_methods_on_foreign_records(self):
        theirs = self.records[self.company_b]
        mine = self.records[self.company_a]
        self.check_tables = True
        self.before = self.suite_tables_checksum()
        methods = {
            name: suite_methods(self.env[name])
            for name in sorted(self.env.registry)
            if not self.env[name]._abstract
        }
        methods = {name: found for name, found in methods.items() if found}
        problems, calls, missing = [], 0, set()
        for role, user in self.role_users.items():
            self.login(role)
            for model_name, names in methods.items():
                targets = []
                if theirs.get(model_name):
                    targets.append(("company B", theirs[model_name]))
                else:
                    missing.add(model_name)
                own = mine.get(model_name)
                if own and not own.with_user(user).sudo(False)._filtered_access("read"):
                    targets.append(("unreadable", own))
                for label, record in targets:
                    for method in names:
                        calls += 1
                        outcome, changed = self.rpc_in_savepoint(
                            model_name, method, record.ids
                        )
                        where = f"{role} {model_name}.{method} on {label}"
                        if outcome[1] not in CLEAR:
                            problems.append(f"{where}: {outcome!r:.140}")
                        if changed:
                            problems.append(f"{where}: changed {', '.join(changed)}")
        transient = {m for m in missing if self.env[m]._transient}
        self.assertFalse(
            missing - transient, "no record to call on: " + ", ".join(sorted(missing))
        )
        self.assertGreaterEqual(calls, 200)
        self.assertFalse(problems, "\n".join(problems))
