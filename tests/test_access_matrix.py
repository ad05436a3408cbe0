# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The access matrix: every role x every model x read/write/create/unlink.

Each cell is measured with real records through the ORM (ACLs and record
rules both apply) and compared with the expected table in access_table.py,
which is also what docs/access.md shows. All mismatches are reported in one
assertion message, followed by the measured table to review.
"""

import importlib.util
import itertools
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .access_table import OPS, ROLES, TABLE, cell, render_table


class _Undo(Exception):
    """Raised inside a savepoint to undo an operation that succeeded."""


def _as(env, model):
    return env[model].with_context(tracking_disable=True, mail_create_nolog=True)


def _view_row(case, model, owner):
    """A row of a SQL-view report that belongs to ``owner``."""
    case.env.flush_all()
    return case.env[model].sudo().search([("user_id", "=", owner.id)], limit=1)


def _ticket_report_row(case):
    """The service-level report's row of a new ticket under the base plan."""
    ticket = FIXTURES["helpdesk.ticket"]["make"](case, case.env, None)
    case.env.flush_all()
    return case.env["helpdesk.service.level.report"].sudo().browse(ticket.id)


# model -> how to make one record (with ``env``, for ``owner``), what to write.
# Dependencies are built as admin, only the record itself with ``env``, so a
# create attempt as a role measures that model alone.
FIXTURES = {
    "crm.stage.checklist.item": {
        "make": lambda c, env, o: _as(env, "crm.stage.checklist.item").create(
            {"name": f"Doc {c.seq()}", "stage_id": c.stage.id}
        ),
        "write": {"name": "Renamed"},
    },
    "crm.lead.stage.history": {
        "make": lambda c, env, o: _as(env, "crm.lead.stage.history").create(
            {"lead_id": c.lead_of(o).id, "stage_to_id": c.stage.id}
        ),
        "write": {"expected_days": 3},
        "owned": True,
    },
    "crm.territory": {
        "make": lambda c, env, o: _as(env, "crm.territory").create(
            {"name": f"Territory {c.seq()}"}
        ),
        "write": {"name": "Renamed"},
    },
    "crm.territory.zip": {
        "make": lambda c, env, o: _as(env, "crm.territory.zip").create(
            {"territory_id": c.territory.id, "zip_from": f"9{c.seq():04d}"}
        ),
        "write": {"zip_to": False},
    },
    "crm.territory.member": {
        "make": lambda c, env, o: _as(env, "crm.territory.member").create(
            {"territory_id": c.territory_for_member().id, "user_id": c.other.id}
        ),
        "write": {"weight": 2.0},
    },
    "crm.salesperson.kpi.report": {
        "make": lambda c, env, o: (
            c.lead_of(o) and _view_row(c, "crm.salesperson.kpi.report", o)
        ),
        "create": lambda c, env, o: _as(env, "crm.salesperson.kpi.report").create(
            {"user_id": o.id}
        ),
        "write": {"lead_count": 7},
        "owned": True,
    },
    "crm.forecast.snapshot": {
        "make": lambda c, env, o: _as(env, "crm.forecast.snapshot").create(
            {
                "snapshot_date": date(2026, 1, 5),
                "period": date(2026, 2, 1),
                "user_id": o.id,
                "company_id": c.company.id,
                "forecast_category": "commit",
                "expected_revenue": 100.0,
            }
        ),
        "write": {"expected_revenue": 1.0},
        "owned": True,
    },
    "crm.forecast.accuracy.report": {
        "make": lambda c, env, o: (
            FIXTURES["crm.forecast.snapshot"]["make"](c, c.env, o)
            and _view_row(c, "crm.forecast.accuracy.report", o)
        ),
        "create": lambda c, env, o: _as(env, "crm.forecast.accuracy.report").create(
            {"user_id": o.id}
        ),
        "write": {"actual_revenue": 7.0},
        "owned": True,
    },
    "crm.competitor": {
        "make": lambda c, env, o: _as(env, "crm.competitor").create(
            {"name": f"Competitor {c.seq()}"}
        ),
        "write": {"website": "rival.example.com"},
    },
    "crm.lead.competitor": {
        "make": lambda c, env, o: _as(env, "crm.lead.competitor").create(
            {"lead_id": c.lead_of(o).id, "competitor_id": c.new_competitor().id}
        ),
        "write": {"price": 10.0},
        "owned": True,
    },
    "crm.win.loss.report": {
        "make": lambda c, env, o: (
            c.closed_lead_of(o) and _view_row(c, "crm.win.loss.report", o)
        ),
        "create": lambda c, env, o: _as(env, "crm.win.loss.report").create(
            {"user_id": o.id}
        ),
        "write": {"won_count": 7},
        "owned": True,
    },
    "crm.quote.price.rule": {
        "make": lambda c, env, o: _as(env, "crm.quote.price.rule").create(
            {"name": f"Rule {c.seq()}", "percent": 5.0}
        ),
        "write": {"percent": 6.0},
    },
    "crm.quote.price.rule.tier": {
        "make": lambda c, env, o: _as(env, "crm.quote.price.rule.tier").create(
            {"rule_id": c.rule_for_tier().id, "min_qty": 0.0, "discount": 1.0}
        ),
        "write": {"discount": 2.0},
    },
    "crm.quote.authority": {
        "make": lambda c, env, o: _as(env, "crm.quote.authority").create(
            {"user_id": c.other.id, "max_discount": 5.0}
        ),
        "write": {"max_discount": 50.0},
    },
    "helpdesk.support.plan": {
        "make": lambda c, env, o: _as(env, "helpdesk.support.plan").create(
            {
                "name": f"Plan {c.seq()}",
                "contract_id": c.contract.id,
                "period_type": "month",
            }
        ),
        "write": {"ticket_quota": 99},
    },
    "helpdesk.service.level.report": {
        "make": lambda c, env, o: _ticket_report_row(c),
        "create": lambda c, env, o: _as(env, "helpdesk.service.level.report").create(
            {"ticket_count": 1}
        ),
        "write": {"breach_count": 7},
    },
    "crm.rfm.config": {
        "make": lambda c, env, o: c.rfm_config(env),
        "write": {"batch_size": 10},
    },
    "crm.rfm.class": {
        "make": lambda c, env, o: _as(env, "crm.rfm.class").create(
            {"name": f"Class {c.seq()}"}
        ),
        "write": {"r_min": 2},
    },
    "crm.rfm.score": {
        "make": lambda c, env, o: _as(env, "crm.rfm.score").create(
            {"partner_id": c.customer_of(o).id, "company_id": c.company.id}
        ),
        "write": {"r_score": 5},
        "owned": True,
    },
    "crm.segment": {
        "make": lambda c, env, o: _as(env, "crm.segment").create(
            {"name": f"Segment {c.seq()}"}
        ),
        "write": {"r_min": 2},
    },
    "crm.segment.member": {
        "make": lambda c, env, o: _as(env, "crm.segment.member").create(
            {"segment_id": c.segment.id, "partner_id": c.customer_of(o).id}
        ),
        "write": {"score_id": False},
    },
    "crm.segment.persona.line": {
        "make": lambda c, env, o: _as(env, "crm.segment.persona.line").create(
            {"segment_id": c.segment.id, "kind": c.persona_kind, "name": "Spain"}
        ),
        "write": {"share": 50.0},
    },
    "crm.segment.snapshot": {
        "make": lambda c, env, o: _as(env, "crm.segment.snapshot").create({}),
        "write": {"name": "Renamed"},
    },
    "crm.segment.snapshot.line": {
        "make": lambda c, env, o: _as(env, "crm.segment.snapshot.line").create(
            {"snapshot_id": c.snapshot.id, "partner_id": c.customer_of(o).id}
        ),
        "write": {"r_score": 5},
    },
    "crm.rfm.class.history": {
        "make": lambda c, env, o: _as(env, "crm.rfm.class.history").create(
            {
                "company_id": c.company.id,
                "date": date(2026, 1, 31),
                "partner_id": c.customer_of(o).id,
            }
        ),
        "write": {"date": date(2026, 2, 28)},
    },
    "crm.rfm.transition": {
        "make": lambda c, env, o: c.rfm_transition(env),
        "write": {"period_count": 3},
    },
    "crm.rfm.transition.line": {
        "make": lambda c, env, o: _as(env, "crm.rfm.transition.line").create(
            {"transition_id": c.transition().id, "company_id": c.company.id}
        ),
        "write": {"pair_count": 3},
    },
    "crm.rfm.transition.class": {
        "make": lambda c, env, o: _as(env, "crm.rfm.transition.class").create(
            {"transition_id": c.transition().id, "company_id": c.company.id}
        ),
        "write": {"observed": True},
    },
    "crm.customer.month": {
        "make": lambda c, env, o: _as(env, "crm.customer.month").create(
            {
                "company_id": c.company.id,
                "cutoff_date": date(2026, 1, 31),
                "month": date(2026, 1, 1),
                "partner_id": c.customer_of(o).id,
            }
        ),
        "write": {"order_count": 3},
    },
    "crm.segment.campaign.run": {
        "make": lambda c, env, o: _as(env, "crm.segment.campaign.run").create(
            {"name": f"Campaign {c.seq()}", "segment_id": c.segment.id}
        ),
        "write": {"name": "Renamed"},
    },
    "crm.segment.campaign.run.member": {
        "make": lambda c, env, o: _as(env, "crm.segment.campaign.run.member").create(
            {
                "campaign_id": c.campaign_run.id,
                "partner_id": c.customer_of(o).id,
                "group": "treated",
            }
        ),
        "write": {"invoice_count": 3},
    },
    "crm.next.offer": {
        "make": lambda c, env, o: _as(env, "crm.next.offer").create(
            {
                "partner_id": c.customer_of(o).id,
                "company_id": c.company.id,
                "categ_id": c.categ.id,
            }
        ),
        "write": {"rank": 3},
    },
    "helpdesk.nps.campaign": {
        "make": lambda c, env, o: _as(env, "helpdesk.nps.campaign").create(
            {"name": f"NPS {c.seq()}"}
        ),
        "write": {"name": "Renamed"},
    },
    "crm.segmentation.job.run": {
        "make": lambda c, env, o: _as(env, "crm.segmentation.job.run").create(
            {"name": f"Run {c.seq()}", "kind": "rfm"}
        ),
        "write": {"name": "Renamed"},
    },
    "crm.sales.target": {
        "make": lambda c, env, o: _as(env, "crm.sales.target").create(
            {"user_id": o.id, "date_from": c.period(), "target_won_revenue": 1000.0}
        ),
        "write": {"target_margin": 5.0},
        "owned": True,
    },
    "crm.forecast.submission": {
        "make": lambda c, env, o: _as(env, "crm.forecast.submission").create(
            {
                "user_id": o.id,
                "team_id": False,
                "date_from": c.period(),
                "commit_amount": 100.0,
                "best_case_amount": 200.0,
            }
        ),
        "write": {"commit_amount": 150.0},
        "owned": True,
    },
    # wizards: a user only ever sees its own transient records
    "crm.stage.gate.bypass": {
        "make": lambda c, env, o: _as(env, "crm.stage.gate.bypass").create(
            {
                "lead_ids": [Command.set(c.lead_of(o).ids)],
                "stage_id": c.stage.id,
                "reason": "Customer asked",
            }
        ),
        "write": {"reason": "Changed"},
        "transient": True,
    },
    "crm.territory.realign": {
        "make": lambda c, env, o: _as(env, "crm.territory.realign").create({}),
        "write": {"keep_salesperson": True},
        "transient": True,
    },
    "crm.segment.migration": {
        "make": lambda c, env, o: _as(env, "crm.segment.migration").create(
            {"snapshot_from_id": c.snapshot.id, "snapshot_to_id": c.snapshot2.id}
        ),
        "write": {"segment_id": False},
        "transient": True,
    },
    # host models the suite extends, where the suite changes who may do what
    "crm.lead": {
        "make": lambda c, env, o: _as(env, "crm.lead").create(
            {"name": f"Lead {c.seq()}", "user_id": o.id, "type": "opportunity"}
        ),
        "write": {"description": "<p>note</p>"},
        "owned": True,
    },
    "sale.order": {
        "make": lambda c, env, o: _as(env, "sale.order").create(
            {"partner_id": c.customer_of(o).id, "user_id": o.id}
        ),
        "write": {"client_order_ref": "PO-1"},
        "owned": True,
    },
    "sale.order.line": {
        "make": lambda c, env, o: _as(env, "sale.order.line").create(
            {
                "order_id": c.order_of(o).id,
                "product_id": c.product.id,
                "product_uom_qty": 1.0,
            }
        ),
        "write": {"price_unit": 1.0},
        "owned": True,
    },
    "mrp.production": {
        "make": lambda c, env, o: _as(env, "mrp.production").create(
            {"product_id": c.product.id, "product_qty": 1.0}
        ),
        "write": {"origin": "Changed"},
    },
    "contract.contract": {
        "make": lambda c, env, o: _as(env, "contract.contract").create(
            {"name": f"Contract {c.seq()}", "partner_id": c.customer.id}
        ),
        "write": {"name": "Renamed"},
    },
    "helpdesk.ticket": {
        "make": lambda c, env, o: _as(env, "helpdesk.ticket").create(
            {
                "name": f"Ticket {c.seq()}",
                "description": "<p>x</p>",
                "partner_id": c.customer.id,
                "team_id": c.helpdesk_team.id,
            }
        ),
        "write": {"priority": "2"},
    },
}


def matrix_rows():
    """(row name, model, owned) for every row of the matrix.

    Models whose record rules depend on the owner get two rows: records of
    another salesperson, and records of the role's own user (``:own``).
    """
    for model, fixture in FIXTURES.items():
        yield model, model, False
        if fixture.get("owned"):
            yield f"{model}:own", model, True


@tagged("post_install", "-at_install", "crm_suite")
class TestAccessMatrix(TransactionCase):
    test_module = "crm_suite"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls._counter = itertools.count(1)
        cls.company = cls.env.company
        cls.users = {
            role: new_test_user(
                cls.env,
                login=f"matrix_{role}",
                groups=",".join(groups),
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
            )
            for role, (groups, _label) in ROLES.items()
        }
        cls.other = new_test_user(
            cls.env, login="matrix_other", groups="sales_team.group_sale_salesman"
        )
        # a stage of its own: the checklist items the matrix adds to it gate
        # it, and new leads, which land in the first stage, must not meet it
        cls.stage = cls.env["crm.stage"].create({"name": "Matrix", "sequence": 999})
        cls.territory = cls.env["crm.territory"].create({"name": "Matrix North"})
        cls.customer = cls.env["res.partner"].create(
            {"name": "Matrix Customer", "is_company": True}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Matrix product", "type": "consu", "list_price": 10.0}
        )
        cls.contract = cls.env["contract.contract"].create(
            {"name": "Matrix contract", "partner_id": cls.customer.id}
        )
        cls.helpdesk_team = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Matrix desk",
                "user_ids": [Command.set(cls.users["helpdesk_user"].ids)],
            }
        )
        cls.segment = cls.env["crm.segment"].create({"name": "Matrix segment"})
        Snapshot = cls.env["crm.segment.snapshot"]
        cls.snapshot = Snapshot.create({"date": date(2026, 1, 1)})
        cls.snapshot2 = Snapshot.create({"date": date(2026, 2, 1)})
        cls.persona_kind = "country"
        cls.categ = cls.env["product.category"].create({"name": "Matrix category"})
        cls.campaign_run = cls.env["crm.segment.campaign.run"].create(
            {"name": "Matrix campaign", "segment_id": cls.segment.id}
        )
        # one opportunity and one quote per owner, built outside any savepoint
        owners = [cls.other, *cls.users.values()]
        cls._leads = {o: FIXTURES["crm.lead"]["make"](cls, cls.env, o) for o in owners}
        cls._closed = {}
        cls._orders = {
            o: FIXTURES["sale.order"]["make"](cls, cls.env, o) for o in owners
        }

    # -- builders used by FIXTURES (always as admin) ------------------------
    @classmethod
    def seq(cls):
        return next(cls._counter)

    @classmethod
    def period(cls):
        """A month no other record of the matrix uses (one figure per period)."""
        return date(2030, 1, 1) + relativedelta(months=cls.seq())

    def lead_of(self, owner):
        return self._leads[owner]

    @classmethod
    def new_competitor(cls):
        return cls.env["crm.competitor"].create({"name": f"Rival {cls.seq()}"})

    def closed_lead_of(self, owner):
        """An opportunity of ``owner`` lost with a reason (made once)."""
        if owner not in self._closed:
            lead = self.env["crm.lead"].create(
                {
                    "name": f"Lost {self.seq()}",
                    "user_id": owner.id,
                    "type": "opportunity",
                }
            )
            lead.action_set_lost(lost_reason_id=self.env.ref("crm.lost_reason_1").id)
            self._closed[owner] = lead
        return self._closed[owner]

    @classmethod
    def customer_of(cls, owner):
        return cls.env["res.partner"].create(
            {"name": f"Customer {cls.seq()}", "is_company": True, "user_id": owner.id}
        )

    def order_of(self, owner):
        return self._orders[owner]

    def rule_for_tier(self):
        return self.env["crm.quote.price.rule"].create(
            {"name": f"Tiers {self.seq()}", "percent": 5.0}
        )

    def territory_for_member(self):
        return self.env["crm.territory"].create({"name": f"Member {self.seq()}"})

    def rfm_config(self, env):
        Config = env["crm.rfm.config"]
        self.env["crm.rfm.config"].search(
            [("company_id", "=", self.company.id)]
        ).unlink()
        return Config.create({"company_id": self.company.id})

    def transition(self):
        """The company's transition matrix (one per company), made once."""
        Transition = self.env["crm.rfm.transition"]
        return Transition.search(
            [("company_id", "=", self.company.id)]
        ) or Transition.create({"company_id": self.company.id})

    def rfm_transition(self, env):
        self.env["crm.rfm.transition"].search(
            [("company_id", "=", self.company.id)]
        ).unlink()
        return _as(env, "crm.rfm.transition").create({"company_id": self.company.id})

    # -- measuring ------------------------------------------------------------
    def _attempt(self, operation):
        """True if ``operation`` succeeds, False on AccessError, else the error.

        Whatever it did is rolled back.
        """
        try:
            with self.env.cr.savepoint():
                operation()
                self.env.flush_all()
                raise _Undo
        except _Undo:
            return True
        except AccessError:
            return False
        except Exception as exc:  # reported as a mismatch
            return f"{type(exc).__name__}: {exc}".splitlines()[0][:160]
        finally:
            self.env.invalidate_all()

    def _measure(self, model, owned, role):
        fixture = FIXTURES[model]
        user = self.users[role]
        owner = user if owned else self.other
        make = fixture["make"]
        create = fixture.get("create", make)
        user_env = self.env(user=user)
        got = {}
        got["c"] = self._attempt(lambda: create(self, user_env, owner))
        if fixture.get("transient"):
            # a wizard is only ever used by the user who opened it
            record = self.env[model]
            if got["c"] is True:
                record = make(self, user_env, owner)
            if not record:
                return {op: got["c"] for op in OPS}
        else:
            record = make(self, self.env, owner)
        self.assertTrue(record, f"no {model} record to test with")
        as_user = record.with_user(user)
        field = next(iter(fixture["write"]))
        got["r"] = self._attempt(lambda: as_user.read([field]))
        got["w"] = self._attempt(lambda: as_user.write(fixture["write"]))
        got["u"] = self._attempt(as_user.unlink)
        return got

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_access_matrix(self):
        measured, problems, checked = {}, [], 0
        for row, model, owned in matrix_rows():
            measured[row] = {}
            for role in ROLES:
                got = self._measure(model, owned, role)
                checked += len(OPS)
                errors = {op: v for op, v in got.items() if v not in (True, False)}
                allowed = {op for op, v in got.items() if v is True}
                measured[row][role] = "".join(op for op in OPS if op in allowed)
                for op, error in errors.items():
                    problems.append(f"{row} / {role} / {op}: {error}")
                expected = cell(row, role)
                if expected is None:
                    problems.append(f"{row} / {role}: not in the expected table")
                elif set(expected) != allowed and not errors:
                    problems.append(
                        f"{row} / {role}: expected {expected or '-'!r}, "
                        f"got {measured[row][role] or '-'!r}"
                    )
        extra = set(TABLE) - set(measured)
        if extra:
            problems.append(f"rows in the table but not measured: {sorted(extra)}")
        self.assertFalse(
            problems,
            "\n".join(
                [f"{len(problems)} access mismatches:", *problems, "measured:"]
                + [render_table(measured)]
            ),
        )
        self.assertEqual(set(TABLE), set(measured))
        for row, by_ops in TABLE.items():
            roles = [role for names in by_ops.values() for role in names]
            self.assertEqual(len(roles), len(set(roles)), f"{row}: a role twice")
            self.assertLessEqual(set(roles), set(ROLES), row)
        self.assertEqual(checked, len(TABLE) * len(ROLES) * len(OPS))

    def test_docs_access_md_is_up_to_date(self):
        """docs/access.md is rendered from the same table; they never drift."""
        root = Path(__file__).resolve().parent.parent
        spec = importlib.util.spec_from_file_location(
            "access_doc", root / "tools" / "access_doc.py"
        )
        access_doc = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(access_doc)
        doc = root / "docs" / "access.md"
        self.assertTrue(doc.exists(), "run tools/access_doc.py")
        self.assertEqual(
            doc.read_text(),
            access_doc.render(),
            "docs/access.md is out of date: run python3 tools/access_doc.py",
        )
        for row in TABLE:
            self.assertIn(f"`{row.partition(':')[0]}`", doc.read_text())
