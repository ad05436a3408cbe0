# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 21: what the users of the pipeline see on their screens."""

import io
import re
import zipfile
from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, freeze_time, tagged

from .common import PipelineCommon, TerritoryCommon


@tagged("post_install", "-at_install")
class TestOneStageClock(PipelineCommon):
    """Odoo's "Days to rot" and the suite's expected days are one value."""

    def test_one_value_drives_both(self):
        stage = self.stage_qualified
        self.assertEqual(stage.rotting_threshold_days, 3)
        stage.rotting_threshold_days = 5
        self.assertEqual(stage.expected_days, 5)
        stage.with_user(self.manager).expected_days = 2
        self.assertEqual(stage.rotting_threshold_days, 2)

    def test_overdue_is_rotting(self):
        # core's rotting reads the transaction's time, which freeze_time
        # does not move: dates relative to now
        now = self.env.cr.now()
        lead = self._lead()
        lead.stage_id = self.stage_qualified
        lead.date_last_stage_update = now - timedelta(days=2)
        self.assertFalse(lead.is_stage_overdue)
        self.assertFalse(lead.is_rotting)
        lead.date_last_stage_update = now - timedelta(days=4)
        lead.invalidate_recordset(["is_stage_overdue", "is_rotting"])
        self.assertTrue(lead.is_stage_overdue)
        self.assertTrue(lead.is_rotting)

    def test_one_badge(self):
        """The kanban card and the form carry core's rotting badge only."""
        Lead = self.env["crm.lead"]
        kanban = Lead.get_view(view_type="kanban")["arch"]
        self.assertNotIn("Overdue in Stage", kanban)
        self.assertIn('widget="rotting"', kanban)
        form = Lead.get_view(view_type="form")["arch"]
        self.assertNotIn('title="Overdue"', form)
        stage_form = self.env["crm.stage"].get_view(view_type="form")["arch"]
        self.assertNotIn('name="expected_days"', stage_form)

    def test_required_fields_plain_labels(self):
        """The stage form lists "Expected Revenue", not "Expected Revenue
        (Lead)"."""
        arch = etree.fromstring(
            self.env["crm.stage"].get_view(view_type="form")["arch"]
        )
        [node] = arch.xpath("//field[@name='gate_field_ids']")
        self.assertIn("hide_model", node.get("context", ""))
        labels = self.stage_proposal.gate_field_ids.with_context(
            hide_model=True
        ).mapped("display_name")
        self.assertIn("Expected Revenue", labels)

    def test_settings_explain_territory_routing(self):
        arch = etree.fromstring(
            self.env["res.config.settings"].get_view(view_type="form")["arch"]
        )
        [setting] = arch.xpath("//setting[@id='crm_pipeline_ext_territory_routing']")
        text = " ".join(setting.itertext())
        self.assertIn("Rule-Based Assignment", text)
        # it sits beside core's rule-based assignment
        previous = setting.getprevious()
        self.assertTrue(previous.xpath(".//field[@name='crm_use_auto_assignment']"))


@tagged("post_install", "-at_install")
class TestGateHintOnCard(PipelineCommon):
    """The card says what the next stage's gate misses, before any move."""

    def test_hint_lists_what_is_missing(self):
        lead = self._lead(stage_id=self.stage_qualified.id, probability=10)
        done = self._lead(
            name="Ready",
            stage_id=self.stage_qualified.id,
            partner_id=self.partner.id,
            expected_revenue=1000,
            probability=50,
            checklist_done_ids=[(6, 0, self.item_budget.ids)],
        )
        elsewhere = self._lead(name="First stage")
        hint = lead.with_user(self.salesman).gate_next_hint
        self.assertTrue(hint.startswith("G Proposal needs"), hint)
        for missing in (
            "Expected Revenue",
            "Contact",
            "Probability at least 30%",
            "Budget confirmed",
        ):
            self.assertIn(missing, hint)
        self.assertNotIn("(Lead)", hint)
        self.assertFalse(done.gate_next_hint)
        # the next stage of G New (G Qualified) has no gate
        self.assertFalse(elsewhere.gate_next_hint)
        # the hint is what the move would refuse
        lead.write(
            {
                "partner_id": self.partner.id,
                "expected_revenue": 10,
                "probability": 40,
                "checklist_done_ids": [(6, 0, self.item_budget.ids)],
            }
        )
        self.assertFalse(lead.gate_next_hint)
        lead.with_user(self.salesman).write({"stage_id": self.stage_proposal.id})

    def test_hint_is_set_based(self):
        """Computing the hint for a column of cards costs the same queries
        for 3 cards as for 30."""
        leads_3 = self.env["crm.lead"].create(
            [
                {
                    "name": f"Card {i}",
                    "type": "opportunity",
                    "team_id": self.team.id,
                    "user_id": self.salesman.id,
                    "stage_id": self.stage_qualified.id,
                }
                for i in range(3)
            ]
        )
        leads_30 = self.env["crm.lead"].create(
            [
                {
                    "name": f"Card {i}",
                    "type": "opportunity",
                    "team_id": self.team.id,
                    "user_id": self.salesman.id,
                    "stage_id": self.stage_qualified.id,
                }
                for i in range(30)
            ]
        )
        counts = []
        for leads in (leads_3, leads_30):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            leads.mapped("gate_next_hint")
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])
        self.assertTrue(all(leads_30.mapped("gate_next_hint")))


@tagged("post_install", "-at_install")
class TestRealignPreview(TerritoryCommon):
    def _setup_move(self):
        """Two leads of Salesman in Spain that now belong to zip 28, where
        Salesman is also a member with room for one lead only."""
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": f"Madrid {i}",
                    "type": "lead",
                    "country_id": self.spain.id,
                    "zip": "28001",
                    "user_id": self.salesman.id,
                }
                for i in range(2)
            ]
        )
        leads.territory_id = self.t_spain
        self.t_zip.zip_range_ids.write({"zip_from": "28"})
        self.t_zip.member_ids = [
            (0, 0, {"user_id": self.salesman.id, "weight": 1, "capacity": 1})
        ]
        return leads

    def test_preview_says_what_happens(self):
        leads = self._setup_move()
        wizard = self.env["crm.territory.realign"].create({"keep_salesperson": True})
        action = wizard.action_preview()
        # the dialog keeps its title
        self.assertEqual(action["name"], "Realign Territories")
        lines = wizard.line_ids
        self.assertEqual(lines.lead_id, leads)
        self.assertEqual(lines.new_territory_id, self.t_zip)
        # To Salesperson is filled on rows that keep their salesperson
        self.assertEqual(lines.new_user_id, self.salesman)
        self.assertTrue(all(lines.mapped("user_kept")))
        # 2 leads for a capacity of 1: the preview warns
        self.assertEqual(lines.mapped("load_after"), [2, 2])
        self.assertEqual(lines.mapped("capacity"), [1, 1])
        self.assertTrue(all(lines.mapped("is_over_capacity")))
        self.assertEqual(wizard.over_capacity_count, 2)

    def test_members_show_load_and_per_territory_counts(self):
        leads = self._setup_move()
        spain_row = self.t_spain.member_ids.filtered(
            lambda m: m.user_id == self.salesman
        )
        zip_row = self.t_zip.member_ids.filtered(lambda m: m.user_id == self.salesman)
        # open leads per territory, not the salesperson's total in each row
        self.assertEqual(spain_row.open_lead_count, 2)
        self.assertEqual(zip_row.open_lead_count, 0)
        self.assertEqual((spain_row | zip_row).mapped("load_count"), [2, 2])
        self.assertFalse(spain_row.is_over_capacity)
        self.assertTrue(zip_row.is_over_capacity)
        wizard = self.env["crm.territory.realign"].create({"keep_salesperson": True})
        wizard.action_preview()
        wizard.action_apply()
        self.assertEqual(leads.territory_id, self.t_zip)
        self.assertEqual(leads.user_id, self.salesman)
        (spain_row | zip_row).invalidate_recordset()
        self.assertEqual(spain_row.open_lead_count, 0)
        self.assertEqual(zip_row.open_lead_count, 2)

    def test_realign_never_unassigns(self):
        """Nobody can take the leads in their new territory: they keep their
        salesperson instead of losing them."""
        leads = self._setup_move()
        self.t_zip.member_ids.write({"capacity": 1})
        # fill every member of zip 28 but Salesman
        self.env["crm.lead"].create(
            {"name": "Busy", "user_id": self.manager.id, "type": "lead"}
        )
        wizard = self.env["crm.territory.realign"].create({"keep_salesperson": False})
        wizard.action_preview()
        self.assertTrue(wizard.line_ids)
        self.assertTrue(all(wizard.line_ids.mapped("new_user_id")))
        wizard.action_apply()
        self.assertTrue(all(leads.mapped("user_id")))


@tagged("post_install", "-at_install")
class TestReportsReadable(PipelineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls._lead(name="KPI lead", expected_revenue=10000, probability=10)
        cls.env.flush_all()
        cls.rows = cls.env["crm.salesperson.kpi.report"].search(
            [("user_id", "=", cls.salesman.id)]
        )

    def test_month_has_its_year(self):
        row = self.rows[:1]
        self.assertTrue(row)
        self.assertIn(str(row.date.year), row.month_label)
        self.assertEqual(
            row.with_context(lang="en_US").month_label.split()[0],
            row.date.strftime("%B"),
        )

    def test_company_column_and_date_cells(self):
        arch = etree.fromstring(
            self.env["crm.salesperson.kpi.report"].get_view(view_type="list")["arch"]
        )
        [company] = arch.xpath("//field[@name='company_id']")
        self.assertEqual(company.get("optional"), "show")
        self.assertFalse(company.get("groups"))
        content, _fmt = self.env["ir.actions.report"]._render_xlsx(
            "crm_pipeline_ext.crm_salesperson_kpi_xlsx", self.rows.ids, {}
        )
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            sheet = book.read("xl/worksheets/sheet1.xml").decode()
            strings = book.read("xl/sharedStrings.xml").decode()
        self.assertIn("Company", strings)
        self.assertIn(self.company.name, strings)
        # A2 (the month) is a number cell with a date format, not text
        [cell] = re.findall(r'<c r="A2"[^>]*>', sheet)
        self.assertNotIn('t="s"', cell)
        self.assertIn(' s="', cell)

    def test_xlsx_from_the_menu_with_a_dated_name(self):
        menu = self.env.ref("crm_pipeline_ext.crm_salesperson_kpi_report_menu_xlsx")
        self.assertEqual(
            menu.parent_id, self.env.ref("crm_pipeline_ext.sales_force_menu")
        )
        action = menu.action.with_user(self.salesman).run()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_type"], "xlsx")
        self.assertEqual(sorted(action["context"]["active_ids"]), sorted(self.rows.ids))

    def test_xlsx_of_selected_rows_only_when_readable(self):
        """Called on rows, the export takes those rows, and only rows the
        caller may read: another salesperson's rows are refused."""
        report = self.env["crm.salesperson.kpi.report"]
        action = self.rows.with_user(self.salesman).action_export_xlsx()
        self.assertEqual(sorted(action["context"]["active_ids"]), sorted(self.rows.ids))
        self.env.flush_all()
        # the rows of salesman2 (none of salesman's), as admin reads them
        self._lead(name="KPI lead two", user_id=self.salesman2.id)
        self.env.flush_all()
        others = report.search([("user_id", "=", self.salesman2.id)])
        self.assertTrue(others)
        with self.assertRaises(AccessError):
            others.with_user(self.salesman).action_export_xlsx()

    def test_no_commit_is_not_zero_percent(self):
        """Commit 0, actual 10,000: "no commit", not 0.00 %."""
        self.lead.date_deadline = "2026-11-20"
        self.env["crm.forecast.snapshot"]._cron_freeze_forecast()
        self.lead.action_set_won()
        self.lead.date_closed = "2026-11-21 10:00:00"
        self.env.flush_all()
        Report = self.env["crm.forecast.accuracy.report"]
        domain = [("user_id", "=", self.salesman.id), ("period", "=", "2026-11-01")]
        [[commit, actual, accuracy]] = Report._read_group(
            domain, [], ["commit_revenue:sum", "actual_revenue:sum", "accuracy:sum"]
        )
        self.assertEqual((commit, actual), (0, 10000))
        # no ratio at all (the ORM reads NULL as False), never 0.0 %
        self.assertNotIsInstance(accuracy, float)
        self.assertIs(accuracy, False)
        row = Report.search(domain)
        self.assertEqual(row.accuracy_display, "no commit")
        arch = Report.get_view(view_type="list")["arch"]
        self.assertIn('name="accuracy_display"', arch)


@tagged("post_install", "-at_install")
class TestKpiWorkbookName(HttpCase):
    def test_dated_file_name(self):
        self.authenticate("admin", "admin")
        rows = self.env["crm.salesperson.kpi.report"].search([], limit=5)
        ids = ",".join(str(i) for i in rows.ids) or "0"
        response = self.url_open(
            f"/report/xlsx/crm_pipeline_ext.salesperson_kpi_xlsx/{ids}"
        )
        self.assertEqual(response.status_code, 200)
        today = fields.Date.context_today(self.env.user).isoformat()
        disposition = response.headers["Content-Disposition"]
        self.assertIn("Salesperson%20KPIs%20" + today, disposition.replace(" ", "%20"))


@tagged("post_install", "-at_install")
class TestWordsUsersRead(PipelineCommon):
    def test_stage_history_duration_in_words(self):
        lead = self._lead()
        # crm stamps stage changes with the transaction time, which
        # freeze_time does not move: set the entry date by hand
        for start, end, stage in (
            ("2026-01-01 08:00:00", "2026-01-01 08:15:00", self.stage_qualified),
            ("2026-01-01 08:15:00", "2026-01-01 13:15:00", self.stage_new),
            ("2026-01-01 13:15:00", "2026-01-04 13:15:00", self.stage_qualified),
        ):
            lead.date_last_stage_update = start
            with freeze_time(end):
                lead.write({"stage_id": stage.id})
        history = lead.stage_history_ids.sorted("id")
        self.assertEqual(
            history.with_context(lang="en_US").mapped("duration"),
            [False, "15 minutes", "5 hours", "3 days"],
        )

    def test_checklist_names_translated_in_gate_message(self):
        self.env["res.lang"]._activate_lang("es_ES")
        self.item_budget.with_context(lang="es_ES").name = "Presupuesto confirmado"
        lead = self._lead(
            partner_id=self.partner.id, expected_revenue=10, probability=50
        )
        with self.assertRaises(ValidationError) as error:
            lead.with_context(lang="es_ES").write({"stage_id": self.stage_proposal.id})
        self.assertIn("Presupuesto confirmado", str(error.exception))
        self.assertEqual(
            self.item_budget._fields["name"].translate, True, "translatable name"
        )
        hint = lead.with_context(lang="es_ES").gate_next_hint
        self.assertFalse(hint)  # G New's next stage is G Qualified, no gate
        lead.stage_id = self.stage_qualified
        self.assertIn(
            "Presupuesto confirmado", lead.with_context(lang="es_ES").gate_next_hint
        )

    def test_opportunity_header_is_light(self):
        """No extra header button (the stage bar keeps its room) and no
        second quote counter beside core's Quotations button."""
        arch = etree.fromstring(self.env["crm.lead"].get_view(view_type="form")["arch"])
        self.assertFalse(arch.xpath("//header/button[@name='action_open_gate_bypass']"))
        self.assertFalse(arch.xpath("//button[@name='action_view_all_quotes']"))
        self.assertTrue(arch.xpath("//button[@name='action_view_sale_quotation']"))
        # the bypass is in the gear menu, for the bypass group only
        action = self.env.ref("crm_pipeline_ext.crm_lead_action_gate_bypass")
        self.assertEqual(action.binding_model_id.model, "crm.lead")
        self.assertEqual(
            action.group_ids, self.env.ref("crm_pipeline_ext.group_pipeline_bypass")
        )
        lead = self._lead(user_id=self.bypasser.id)
        result = (
            action.with_user(self.bypasser)
            .with_context(
                active_model="crm.lead", active_ids=lead.ids, active_id=lead.id
            )
            .run()
        )
        self.assertEqual(result["res_model"], "crm.stage.gate.bypass")
        self.assertEqual(result["context"]["default_lead_ids"], lead.ids)
