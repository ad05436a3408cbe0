# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import ast
import io
import zipfile
from datetime import date, datetime

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import SegmentationCommon


@tagged("post_install", "-at_install")
class TestSegment(SegmentationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._build_example()
        cls.spain = cls.env.ref("base.es")
        cls.industry = cls.env["res.partner.industry"].create({"name": "Seg Retail"})
        cls.partner_a.write(
            {"country_id": cls.spain.id, "industry_id": cls.industry.id}
        )
        cls.partner_c.write({"country_id": cls.spain.id})
        cls.vip = cls.env["res.partner.category"].create({"name": "Seg VIP"})
        cls.partner_c.category_id = [Command.link(cls.vip.id)]
        with freeze_time("2026-06-30"):
            cls.config.action_recompute()
        cls.loyal = cls.env.ref("crm_segmentation.rfm_class_loyal")
        cls.champions = cls.env.ref("crm_segmentation.rfm_class_champions")
        ids = (cls.partner_a + cls.partner_b + cls.partner_c + cls.partner_d).ids
        cls.base_domain = repr([("id", "in", ids)])

    def _segment(self, **vals):
        return self.env["crm.segment"].create(
            {"name": "Test segment", "partner_domain": self.base_domain, **vals}
        )

    def test_score_conditions(self):
        seg = self._segment(r_min=5, f_min=3)
        seg.action_compute()
        self.assertEqual(seg.member_ids.partner_id, self.partner_a | self.partner_c)
        self.assertEqual(seg.member_count, 2)
        self.assertTrue(seg.last_computed)
        seg.write({"class_ids": [Command.set(self.champions.ids)]})
        seg.action_compute()
        self.assertEqual(seg.member_ids.partner_id, self.partner_c)
        self.assertEqual(seg.member_count, 1)
        self.assertIn(seg, self.partner_c.segment_member_ids.segment_id)

    def test_recompute_writes_the_difference(self):
        """Members who stay are not rewritten; leavers are removed and
        newcomers added by the same recompute."""
        seg = self._segment(r_min=5)
        with freeze_time("2026-07-01"):
            seg.action_compute()
        stamps = {m.partner_id: (m.id, m.write_date) for m in seg.member_ids}
        self.assertEqual(set(stamps), {self.partner_a, self.partner_c})
        with freeze_time("2026-07-02"):
            seg.action_compute()
            seg.invalidate_recordset()
            self.assertEqual(
                {m.partner_id: (m.id, m.write_date) for m in seg.member_ids}, stamps
            )
            # c leaves the domain, b joins it
            seg.partner_domain = repr(
                [("id", "in", (self.partner_a | self.partner_b).ids)]
            )
            seg.r_min = 1
            seg.action_compute()
        seg.invalidate_recordset()
        after = {m.partner_id: (m.id, m.write_date) for m in seg.member_ids}
        self.assertEqual(set(after), {self.partner_a, self.partner_b})
        self.assertEqual(after[self.partner_a], stamps[self.partner_a])
        self.assertEqual(seg.member_count, 2)

    def test_metric_conditions(self):
        seg = self._segment(revenue_min=1000, revenue_max=10000)
        seg.action_compute()
        self.assertEqual(seg.member_ids.partner_id, self.partner_a)
        seg = self._segment(last_order_from="2026-06-01")
        seg.action_compute()
        self.assertEqual(seg.member_ids.partner_id, self.partner_a | self.partner_c)
        seg = self._segment(
            country_ids=[Command.set(self.spain.ids)],
            industry_ids=[Command.set(self.industry.ids)],
        )
        seg.action_compute()
        self.assertEqual(seg.member_ids.partner_id, self.partner_a)
        seg = self._segment(tag_ids=[Command.set(self.vip.ids)])
        seg.action_compute()
        self.assertEqual(seg.member_ids.partner_id, self.partner_c)

    def test_overlap_include_exclude(self):
        spain = self._segment(name="Spain", country_ids=[Command.set(self.spain.ids)])
        loyal = self._segment(name="Loyal", class_ids=[Command.set(self.loyal.ids)])
        (spain | loyal).action_compute()
        self.assertEqual(self.partner_a.segment_member_ids.segment_id, spain | loyal)
        not_loyal = self._segment(
            name="Spain not loyal",
            include_segment_ids=[Command.set(spain.ids)],
            exclude_segment_ids=[Command.set(loyal.ids)],
        )
        not_loyal.action_compute()
        self.assertEqual(not_loyal.member_ids.partner_id, self.partner_c)

    def test_self_reference(self):
        one = self._segment(name="One")
        two = self._segment(name="Two", include_segment_ids=[Command.set(one.ids)])
        with self.assertRaisesRegex(ValidationError, "references itself"):
            one.include_segment_ids = [Command.set(one.ids)]
        with self.assertRaisesRegex(ValidationError, "references itself"):
            one.exclude_segment_ids = [Command.set(two.ids)]

    def test_score_ranges(self):
        seg = self._segment(r_min=2, r_max=4)
        for bad in (
            {"r_min": 5, "r_max": 4},
            {"f_min": 3, "f_max": 2},
            {"m_min": 5, "m_max": 1},
            {"f_min": 0},
            {"r_max": 6},
        ):
            with (
                self.subTest(vals=bad),
                self.assertRaises(ValidationError) as caught,
            ):
                seg.write(bad)
                seg.flush_recordset()
            self.assertIn("score ranges go from 1 to 5", str(caught.exception))
        seg.invalidate_recordset()  # read back what the database kept
        self.assertEqual(
            (seg.r_min, seg.r_max, seg.f_min, seg.f_max, seg.m_min, seg.m_max),
            (2, 4, 1, 5, 1, 5),
        )

    def test_bad_domains(self):
        for bad in (
            "[('name', '=',",
            "__import__('os').system('echo hacked')",
            "[('no_such_field', '=', 1)]",
            "{'a': 1}",
            "[('name', 'bogus_op', 1)]",
        ):
            with self.subTest(domain=bad), self.assertRaises(ValidationError):
                self._segment(partner_domain=bad)
        self.assertFalse(
            self.env["crm.segment"].search([("name", "=", "Test segment")])
        )

    def test_static_frozen(self):
        seg = self._segment(segment_type="static")
        seg.action_compute()
        self.assertEqual(seg.member_count, 4)
        with self.assertRaises(UserError):
            seg.action_compute()
        seg.member_ids[:1].unlink()
        self.assertEqual(seg.member_count, 3)

    def test_dynamic_cron(self):
        seg = self._segment(r_min=5)
        with self._no_commit():
            self.env["crm.segment"].sudo()._cron_recompute()
        self.assertEqual(seg.member_ids.partner_id, self.partner_a | self.partner_c)

    def test_persona(self):
        seg = self._segment(r_min=5)
        seg.action_compute()
        self.assertEqual(seg.persona_size, 2)
        # 13 invoices for 65500 net
        self.assertAlmostEqual(seg.persona_avg_order_value, 65500 / 13, places=2)
        self.assertAlmostEqual(seg.persona_purchase_frequency, 6.5)
        lines = seg.persona_line_ids
        country = lines.filtered(lambda x: x.kind == "country")
        self.assertEqual((country.name, country.value), (self.spain.name, 2.0))
        industry = lines.filtered(lambda x: x.kind == "industry")
        self.assertEqual((industry.name, industry.share), (self.industry.name, 50.0))
        category = lines.filtered(lambda x: x.kind == "category")
        self.assertEqual(category.name, self.category.display_name)
        self.assertAlmostEqual(category.value, 65500.0)
        # members are counted in whole numbers, revenue is money in the
        # company's currency
        self.assertEqual((country.country_id, country.member_count), (self.spain, 2))
        self.assertEqual(country.label, "Spain")
        self.assertEqual(industry.member_count, 1)
        self.assertEqual(
            (category.category_id, category.revenue), (self.category, 65500.0)
        )
        self.assertEqual(category.currency_id, self.env.company.currency_id)
        self.assertEqual(country._fields["member_count"].type, "integer")
        self.assertEqual(category._fields["revenue"].type, "monetary")
        # country names in the reader's language
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"]._load_module_terms(["base"], ["es_ES"])
        self.assertEqual(country.with_context(lang="es_ES").label, "España")
        # the persona as a chart
        action = seg.with_context(persona_kind="country").action_view_persona_chart()
        self.assertEqual(action["context"]["graph_groupbys"], ["country_id"])
        self.assertEqual(action["context"]["graph_measure"], "member_count")
        groups = self.env["crm.segment.persona.line"]._read_group(
            action["domain"], ["country_id"], ["member_count:sum"]
        )
        self.assertEqual(groups, [(self.spain, 2)])
        action = seg.with_context(persona_kind="category").action_view_persona_chart()
        self.assertEqual(action["context"]["graph_measure"], "revenue")

    def test_rfm_class_list_tells_min_from_max(self):
        """Short headers, each bound its own: no "Recency F..." twice."""
        arch = etree.fromstring(
            self.env["crm.rfm.class"].get_view(view_type="list")["arch"]
        )
        headers = {
            node.get("name"): node.get("string")
            for node in arch.iter("field")
            if node.get("name", "")[1:] in ("_min", "_max")
        }
        self.assertEqual(
            headers,
            {
                "r_min": "R Min",
                "r_max": "R Max",
                "f_min": "F Min",
                "f_max": "F Max",
                "m_min": "M Min",
                "m_max": "M Max",
            },
        )

    def test_persona_several_segments(self):
        """Segments computed together each get their own persona."""
        seg = self._segment(r_min=5)
        vip = self._segment(name="VIP", tag_ids=[Command.set(self.vip.ids)])
        empty = self._segment(name="Empty", r_min=5, r_max=5, f_max=1)
        (seg | vip | empty).action_compute()
        self.assertEqual(seg.persona_size, 2)
        self.assertAlmostEqual(seg.persona_avg_order_value, 65500 / 13, places=2)
        self.assertEqual(len(seg.persona_line_ids), 3)
        # partner c only: 10 invoices of 6000, Spain, no industry
        self.assertEqual(vip.persona_size, 1)
        self.assertAlmostEqual(vip.persona_avg_order_value, 6000.0)
        self.assertAlmostEqual(vip.persona_purchase_frequency, 10.0)
        self.assertEqual(
            sorted(vip.persona_line_ids.mapped("kind")), ["category", "country"]
        )
        country = vip.persona_line_ids.filtered(lambda x: x.kind == "country")
        self.assertEqual((country.value, country.share), (1.0, 100.0))
        category = vip.persona_line_ids.filtered(lambda x: x.kind == "category")
        self.assertEqual((category.value, category.share), (60000.0, 100.0))
        self.assertEqual(empty.member_count, 0)
        self.assertEqual(empty.persona_size, 0)
        self.assertFalse(empty.persona_line_ids)
        # set-based: each further segment costs only its own UPDATE
        one = self._count_queries(seg._compute_persona)
        three = self._count_queries((seg | vip | empty)._compute_persona)
        self.assertLessEqual(three, one + 2)

    def test_snapshots_and_migration(self):
        seg = self._segment()
        seg.action_compute()
        snap1 = self.env["crm.segment.snapshot"].create({"segment_ids": seg.ids})
        snap1.action_take()
        self.assertEqual(snap1.line_count, 4)
        # recency frozen as of the snapshot date (scores keep no recency)
        recency = {
            line.partner_id: line.recency_days
            for line in self.env["crm.segment.snapshot.line"].search(
                [("snapshot_id", "=", snap1.id)]
            )
        }
        self.assertEqual(recency[self.partner_a], (snap1.date - date(2026, 6, 20)).days)
        self.assertEqual(recency[self.partner_b], (snap1.date - date(2025, 6, 30)).days)
        self.assertFalse(recency[self.partner_d], "refunds only: no recency")
        with self.assertRaises(UserError):
            snap1.action_take()
        # partner b buys a lot: Hibernating -> another class
        self._invoices([(self.partner_b, "2026-06-28", 1000, "out_invoice")] * 4)
        with freeze_time("2026-06-30"):
            self.config.action_recompute()
        seg.action_compute()
        snap2 = self.env["crm.segment.snapshot"].create({"segment_ids": seg.ids})
        snap2.action_take()
        wizard = self.env["crm.segment.migration"].create(
            {"snapshot_from_id": snap1.id, "snapshot_to_id": snap2.id}
        )
        action = wizard.action_compute()
        self.assertEqual(action["res_model"], "crm.segment.migration.line")
        lines = wizard.line_ids
        self.assertEqual(sum(lines.mapped("partner_count")), 4)
        hib = self.env.ref("crm_segmentation.rfm_class_hibernating")
        moved = lines.filtered(lambda x: x.movement == "moved")
        self.assertEqual(moved.from_class_id, hib)
        # 5 invoices, 4300 net, 2 days ago: 543
        self.assertEqual(moved.to_class_id, self.loyal)
        self.assertEqual(moved.partner_count, 1)
        # the pivot shows class names only: its title says which axis is which
        title = (
            f"Rows: class in {snap1.display_name}. "
            f"Columns: class in {snap2.display_name}"
        )
        # the web client shows the display name
        self.assertEqual((action["name"], action["display_name"]), (title, title))

    def test_snapshot_name_says_what_and_when(self):
        """Named after the segment, the date and the time it was taken, in
        the reader's time zone and date format; not "Snapshot <date>"."""
        seg = self._segment(name="Seg Test")
        other = self._segment(name="Seg Other")
        third = self._segment(name="Seg Third")
        Snapshot = self.env["crm.segment.snapshot"]
        with freeze_time("2026-07-01 10:30:00"):
            one = Snapshot.create({"segment_ids": seg.ids})
            self.assertEqual(one.name, "Seg Test, 07/01/2026")
            one.action_take()
            two = Snapshot.create({"segment_ids": (seg | other).ids})
            two.action_take()
            three = Snapshot.create({"segment_ids": (seg | other | third).ids})
            three.action_take()
        self.assertEqual(one.taken_at, datetime(2026, 7, 1, 10, 30))
        madrid = one.with_context(tz="Europe/Madrid")
        self.assertEqual(madrid.name, "Seg Test, 07/01/2026 at 12:30 PM")
        self.assertEqual(madrid.display_name, "Seg Test, 07/01/2026 at 12:30 PM")
        self.assertEqual(
            two.with_context(tz="UTC").name,
            "Seg Other and Seg Test, 07/01/2026 at 10:30 AM",
        )
        self.assertEqual(
            three.with_context(tz="UTC").name, "3 segments, 07/01/2026 at 10:30 AM"
        )
        self.assertEqual(Snapshot.create({}).name[:14], "All segments, ")
        self.assertIn(three, Snapshot.search([("name", "ilike", "Seg Third")]))
        self.assertNotIn(one, Snapshot.search([("name", "ilike", "Seg Third")]))
        # in Spanish: words, date format and segment names
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"]._load_module_terms(
            ["crm_segmentation"], ["es_ES"], overwrite=True
        )
        seg.with_context(lang="es_ES").name = "Seg Prueba"
        spanish = three.with_context(lang="es_ES", tz="UTC")
        self.assertEqual(spanish.name, "3 segmentos, 01/07/2026 a las 10:30")
        self.assertEqual(
            two.with_context(lang="es_ES", tz="UTC").name,
            "Seg Other y Seg Prueba, 01/07/2026 a las 10:30",
        )

    @freeze_time("2026-07-01")
    def test_snapshot_cron_period(self):
        self._segment().action_compute()
        Snapshot = self.env["crm.segment.snapshot"]
        before = Snapshot.search_count([])
        with self._no_commit():
            self.env["crm.rfm.config"].sudo()._cron_snapshots()
        self.assertEqual(Snapshot.search_count([]), before + 1)
        with self._no_commit():
            self.env["crm.rfm.config"].sudo()._cron_snapshots()  # period not elapsed
        self.assertEqual(Snapshot.search_count([]), before + 1)

    def test_mailing_list_sync(self):
        seg = self._segment()
        seg.action_compute()
        seg.action_sync_mailing_list()
        self.assertEqual(seg.sync_state, "warning", "partner d has no email")
        self.assertIn("Seg D", seg.sync_message)
        emails = seg.mailing_list_id.contact_ids.mapped("email_normalized")
        self.assertEqual(
            sorted(emails), ["a@example.com", "b@example.com", "c@example.com"]
        )
        # shrink the segment, sync again: removed, no duplicates
        seg.write({"r_min": 5})
        seg.action_compute()
        seg.action_sync_mailing_list()
        self.assertEqual(seg.sync_state, "ok")
        self.assertEqual(
            sorted(seg.mailing_list_id.contact_ids.mapped("email_normalized")),
            ["a@example.com", "c@example.com"],
        )
        action = seg.action_open_mailing()
        self.assertEqual(
            action["context"]["default_contact_list_ids"], seg.mailing_list_id.ids
        )

    def test_mailing_domain_without_list(self):
        seg = self._segment(r_min=5)
        seg.action_compute()
        action = seg.action_open_mailing()
        domain = ast.literal_eval(action["context"]["default_mailing_domain"])
        self.assertEqual(
            self.env["res.partner"].search(domain), self.partner_a | self.partner_c
        )

    def test_call_list_round_robin(self):
        rep = self.env["res.users"].create({"name": "Seg Rep", "login": "seg_rep"})
        rep2 = self.env["res.users"].create({"name": "Seg Rep 2", "login": "seg_rep2"})
        self.partner_a.user_id = rep
        team = self.env["crm.team"].create(
            {"name": "Seg Team", "member_ids": [Command.set((rep | rep2).ids)]}
        )
        seg = self._segment()
        seg.action_compute()
        with self.assertRaises(UserError):
            seg.action_create_call_list()  # no team for b, c, d
        seg.call_team_id = team
        seg.action_create_call_list()
        acts = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", seg.member_ids.partner_id.ids),
            ]
        )
        self.assertEqual(len(acts), 4)
        self.assertEqual(
            acts.filtered(lambda a: a.res_id == self.partner_a.id).user_id, rep
        )
        others = acts.filtered(lambda a: a.res_id != self.partner_a.id)
        self.assertEqual(others.user_id, rep | rep2)

    def test_apply_tag_and_leads(self):
        seg = self._segment(r_min=5)
        seg.action_compute()
        with self.assertRaises(UserError):
            seg.action_apply_tag()
        tag = self.env["res.partner.category"].create({"name": "Seg Campaign"})
        seg.apply_tag_id = tag
        seg.action_apply_tag()
        self.assertIn(tag, self.partner_a.category_id)
        self.assertNotIn(tag, self.partner_b.category_id)
        action = seg.action_create_leads()
        leads = self.env["crm.lead"].search(action["domain"])
        self.assertEqual(leads.partner_id, self.partner_a | self.partner_c)

    def test_xlsx_export(self):
        seg = self._segment()
        seg.action_compute()
        content, report_type = self.env["ir.actions.report"]._render(
            "crm_segmentation.segment_members_xlsx", seg.ids
        )
        self.assertEqual(report_type, "xlsx")
        self.assertTrue(content.startswith(b"PK"))
        # one row per member, read back from the workbook's shared strings
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            self.assertIn("xl/worksheets/sheet1.xml", book.namelist())
            strings = book.read("xl/sharedStrings.xml").decode()
        for partner in self.partner_a | self.partner_b | self.partner_c:
            self.assertIn(f">{partner.name}<", strings)
        self.assertIn(">Seg D<", strings)
        self.assertIn(">533<", strings)  # partner a's RFM code

    def test_query_count_segment(self):
        """Membership costs the same queries for 4 or 24 partners."""
        seg = self._segment(r_min=1)
        seg.action_compute()
        small = self._count_queries(seg.action_compute)
        partners = self.env["res.partner"].create(
            [{"name": f"Bulk {i}"} for i in range(20)]
        )
        seg.partner_domain = repr(
            [
                (
                    "id",
                    "in",
                    (partners | self.partner_a | self.partner_b).ids
                    + [self.partner_c.id, self.partner_d.id],
                )
            ]
        )
        seg.action_compute()
        self.env.invalidate_all()
        with self.assertQueryCount(small):
            seg.action_compute()
        self.assertEqual(seg.member_count, 24)
