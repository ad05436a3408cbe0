# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Bad input on the segmentation models: refused with a clear error, the
database unchanged, and no job or request stuck on it."""

import io
import re
import signal
import threading
import zipfile
from contextlib import contextmanager

from freezegun import freeze_time

from odoo import models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import SegmentationCommon

SEGMENT_LOGGER = "odoo.addons.crm_segmentation.models.crm_segment_membership"
NUMERIC_TYPES = ("integer", "float", "monetary")


def addon_field(field):
    # a field inherited through _inherits (res.users from res.partner) is
    # swept on the model that defines it
    return (
        field._modules[:1] == ("crm_segmentation",)
        and field.name not in models.MAGIC_COLUMNS
        and not field.inherited
    )


def settable(field):
    """A field a create or write can give a value to."""
    return bool(field.inverse) or (
        field.store and not (field.compute and field.readonly)
    )


@contextmanager
def deadline(seconds):
    """Fail instead of hanging when the block runs longer than ``seconds``."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@tagged("post_install", "-at_install")
class TestRobustness(SegmentationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._build_example()
        with freeze_time("2026-06-30"):
            cls.config.action_recompute()
        ids = (cls.partner_a + cls.partner_b + cls.partner_c + cls.partner_d).ids
        cls.base_domain = repr([("id", "in", ids)])
        cls.manager = new_test_user(
            cls.env,
            login="rob_manager",
            groups="crm_segmentation.group_segmentation_manager,"
            "sales_team.group_sale_manager,mass_mailing.group_mass_mailing_user",
        )

    def _segment(self, **vals):
        return self.env["crm.segment"].create(
            {"name": "Robust segment", "partner_domain": self.base_domain, **vals}
        )

    def _render(self, segments):
        content, _kind = self.env["ir.actions.report"]._render(
            "crm_segmentation.segment_members_xlsx", segments.ids
        )
        return zipfile.ZipFile(io.BytesIO(content))

    # ------------------------------------------------------------------
    # item 9: no formula (nor link) from a text cell
    # ------------------------------------------------------------------
    def test_xlsx_writes_text_as_text(self):
        formula = '=HYPERLINK("http://evil.example/x","Click me")'
        self.partner_a.name = formula
        self.partner_b.name = "http://evil.example/y"
        self.partner_c.email = "+cmd|' /C calc'!A0"
        seg = self._segment()
        seg.action_compute()
        with self._render(seg) as book:
            sheets = [
                book.read(name).decode()
                for name in book.namelist()
                if name.startswith("xl/worksheets/sheet")
            ]
            strings = book.read("xl/sharedStrings.xml").decode()
            rels = [n for n in book.namelist() if "worksheets/_rels" in n]
        self.assertTrue(sheets)
        for sheet in sheets:
            self.assertNotIn("<f>", sheet)
            self.assertNotIn("<hyperlink", sheet)
        self.assertFalse(rels, "no hyperlink relations")
        self.assertIn("HYPERLINK(", strings)
        self.assertIn("http://evil.example/y", strings)

    # ------------------------------------------------------------------
    # item 10: sheet titles terminate, unique, valid
    # ------------------------------------------------------------------
    def test_xlsx_sheet_titles_terminate_and_are_unique(self):
        base = "S" * 25
        segments = self.env["crm.segment"]
        for name in (base + "_2", base, base, "History", "a/b:c*d?[e]\\f", "'q'"):
            segments |= self._segment(name=name)
        with deadline(20), self._render(segments) as book:
            workbook = book.read("xl/workbook.xml").decode()
        titles = re.findall(r'<sheet name="([^"]*)"', workbook)
        self.assertEqual(len(titles), len(segments))
        self.assertEqual(len({t.lower() for t in titles}), len(titles), titles)
        for title in titles:
            self.assertLessEqual(len(title), 31)
            self.assertFalse(re.search(r"[\[\]:*?/\\]", title), title)
            self.assertFalse(title.startswith("'") or title.endswith("'"), title)
            self.assertNotEqual(title.lower(), "history")

    def test_sheet_title_function(self):
        from ..report.segment_members_xlsx import sheet_title

        used = set()
        long = "L" * 40
        titles = [
            sheet_title(name, used) for name in [long] * 30 + ["", "", "Ab", "AB"]
        ]
        self.assertEqual(len({t.lower() for t in titles}), len(titles))
        self.assertTrue(all(0 < len(t) <= 31 for t in titles))

    # ------------------------------------------------------------------
    # item 11: a bad domain is refused on save and never stops the job
    # ------------------------------------------------------------------
    def test_bad_domain_refused_on_save(self):
        seg = self._segment()
        bad = "[('id', '=', 'abc')]"
        with self.assertNoLogs(level="ERROR"):
            with self.assertRaises(ValidationError) as caught:
                self._segment(partner_domain=bad)
            with self.assertRaises(ValidationError):
                seg.partner_domain = bad
            with self.assertRaises(ValidationError):
                seg.partner_domain = "[('color', '>', 'high')]"
        self.assertIn("cannot be evaluated", str(caught.exception))
        self.assertIn("abc", str(caught.exception))
        seg.invalidate_recordset()
        self.assertEqual(seg.partner_domain, self.base_domain)

    def test_bad_segment_does_not_stop_the_job(self):
        bad = self._segment(name="A bad segment")
        good = self._segment(name="B good segment", r_min=5)
        self.env.cr.execute(
            SQL(
                "UPDATE crm_segment SET partner_domain = %s WHERE id = %s",
                "[('id', '=', 'abc')]",
                bad.id,
            )
        )
        bad.invalidate_recordset()
        with (
            self.assertNoLogs(level="ERROR"),
            self.assertLogs(SEGMENT_LOGGER, "WARNING") as logs,
            self._no_commit(),
        ):
            self.env["crm.segment"].sudo()._cron_recompute()
        self.assertIn(f"Segment {bad.id} not recomputed", logs.output[0])
        self.assertEqual(good.member_ids.partner_id, self.partner_a | self.partner_c)
        self.assertFalse(good.compute_error)
        self.assertIn("cannot be evaluated", bad.compute_error)
        self.assertIn("abc", bad.compute_error)
        self.assertFalse(bad.member_ids)
        # by hand: the same clear error, no raw database error in the log
        with self.assertNoLogs(level="ERROR"), self.assertRaises(UserError) as caught:
            bad.action_compute()
        self.assertIn("cannot be evaluated", str(caught.exception))
        # fixed: the error goes away with the next compute
        bad.partner_domain = self.base_domain
        bad.action_compute()
        self.assertFalse(bad.compute_error)
        self.assertEqual(bad.member_count, 4)

    # ------------------------------------------------------------------
    # item 12: RFM thresholds are finite
    # ------------------------------------------------------------------
    def test_thresholds_refuse_nan_and_inf(self):
        before = self.config.recency_thresholds
        for bad in ("nan,1,2,3", "1,2,3,inf", "1,2,3,1e400", "-inf,1,2,3"):
            for fname in (
                "recency_thresholds",
                "frequency_thresholds",
                "monetary_thresholds",
            ):
                with (
                    self.subTest(field=fname, value=bad),
                    self.assertRaises(ValidationError),
                ):
                    self.config.with_user(self.manager).write({fname: bad})
        self.config.invalidate_recordset()
        self.assertEqual(self.config.recency_thresholds, before)

    # ------------------------------------------------------------------
    # item 13: integers beyond int4 are a clear error
    # ------------------------------------------------------------------
    def test_int4_overflow_is_a_validation_error(self):
        seg = self._segment()
        rfm_class = self.env["crm.rfm.class"].create({"name": "Robust class"})
        for record, fname in (
            (seg, "sequence"),
            (seg, "color"),
            (seg, "min_open_tickets"),
            (rfm_class, "sequence"),
            (rfm_class, "color"),
            (self.config, "batch_size"),
        ):
            before = record[fname]
            for value in (2**31, -(2**31) - 1, -1):
                with (
                    self.subTest(model=record._name, field=fname, value=value),
                    self.assertRaises(ValidationError),
                ):
                    record.with_user(self.manager).write({fname: value})
            record.invalidate_recordset()
            self.assertEqual(record[fname], before)
        with self.assertRaises(ValidationError):
            self._segment(min_open_tickets=2**31)
        with self.assertRaises(ValidationError):
            seg.write({"min_open_tickets": 10**400})
        with self.assertRaises(ValidationError):
            self.env["crm.segment"].with_context(default_sequence=2**31).create(
                {"name": "Context default"}
            )

    # ------------------------------------------------------------------
    # item 17: history outlives the segment
    # ------------------------------------------------------------------
    def test_deleting_a_segment_keeps_its_snapshots(self):
        seg = self._segment(name="Soon gone")
        seg.action_compute()
        snapshot = self.env["crm.segment.snapshot"].create({"segment_ids": seg.ids})
        snapshot.action_take()
        self.assertEqual(snapshot.line_count, 4)
        seg.unlink()
        lines = self.env["crm.segment.snapshot.line"].search(
            [("snapshot_id", "=", snapshot.id)]
        )
        self.assertEqual(len(lines), snapshot.line_count)
        self.assertEqual(set(lines.mapped("segment_name")), {"Soon gone"})
        self.assertFalse(lines.segment_id)
        self.assertEqual(
            lines.partner_id,
            self.partner_a | self.partner_b | self.partner_c | self.partner_d,
        )

    def test_migration_matrix_recomputed_by_a_user(self):
        """The cells are bookkeeping of the wizard: a segmentation user
        recomputes the matrix (it used to fail deleting the old cells) and
        cannot write a cell by hand."""
        seg = self._segment()
        seg.action_compute()
        Snapshot = self.env["crm.segment.snapshot"]
        snapshots = Snapshot.create({"segment_ids": seg.ids})
        snapshots |= Snapshot.create({"segment_ids": seg.ids})
        snapshots.action_take()
        user = new_test_user(
            self.env,
            login="rob_analyst",
            groups="crm_segmentation.group_segmentation_user",
        )
        wizard = (
            self.env["crm.segment.migration"]
            .with_user(user)
            .create(
                {
                    "snapshot_from_id": snapshots[0].id,
                    "snapshot_to_id": snapshots[1].id,
                }
            )
        )
        wizard.action_compute()
        wizard.action_compute()
        self.assertEqual(sum(wizard.line_ids.mapped("partner_count")), 4)
        with self.assertRaises(AccessError):
            wizard.line_ids[:1].partner_count = 1000

    # ------------------------------------------------------------------
    # the generic guard, swept over the registry
    # ------------------------------------------------------------------
    def _fixtures(self):
        """One record of each model of the addon that has guarded fields."""
        seg = self._segment()
        seg.action_compute()
        Snapshot = self.env["crm.segment.snapshot"]
        snap1 = Snapshot.create({"segment_ids": seg.ids})
        snap1.action_take()
        snap2 = Snapshot.create({"segment_ids": seg.ids})
        snap2.action_take()
        wizard = self.env["crm.segment.migration"].create(
            {"snapshot_from_id": snap1.id, "snapshot_to_id": snap2.id}
        )
        wizard.action_compute()
        lead = self.env["crm.lead"].create({"name": "Robust lead"})
        run = self.env["crm.segment.campaign.run"].create(
            {"name": "Robust campaign", "segment_id": seg.id}
        )
        run.action_split()
        offer = (
            self.env["crm.next.offer"]
            .sudo()
            .create(
                {
                    "partner_id": self.partner_a.id,
                    "company_id": self.company.id,
                    "categ_id": self.category.id,
                    "rank": 1,
                    "lift": 1.5,
                }
            )
        )
        records = {
            "crm.segment": seg,
            "crm.rfm.class": self.env["crm.rfm.class"].create({"name": "Sweep"}),
            "crm.rfm.config": self.config,
            "crm.rfm.score": self.partner_a.rfm_score_ids,
            "crm.segment.member": seg.member_ids[:1],
            "crm.segment.persona.line": seg.persona_line_ids[:1],
            "crm.segment.snapshot": snap1,
            "crm.segment.snapshot.line": snap1.line_ids[:1],
            "crm.segment.migration": wizard,
            "crm.segment.migration.line": wizard.line_ids[:1],
            "crm.lead": lead,
            "res.partner": self.partner_e,
            "crm.segment.campaign.run": run,
            "crm.segment.campaign.run.member": run.member_ids[:1],
            "crm.next.offer": offer,
        }
        # the predictions of the snapshots: an earlier cut-off, so that the
        # transition matrix has cells
        # sudo: the class history is written by the application only
        History = self.env["crm.rfm.class.history"].sudo()
        score = self.partner_a.rfm_score_ids
        History.create(
            {
                "company_id": score.company_id.id,
                "date": "2000-01-01",
                "partner_id": score.partner_id.id,
                "class_id": score.class_id.id,
            }
        )
        matrix = self.config._recompute_transitions()
        records.update(
            {
                "crm.rfm.class.history": History.search([], limit=1),
                "crm.rfm.transition": matrix,
                "crm.rfm.transition.line": matrix.line_ids[:1],
                "crm.rfm.transition.class": matrix.class_ids[:1],
                "crm.customer.month": self.env["crm.customer.month"].search(
                    [], limit=1
                ),
            }
        )
        for model, record in records.items():
            self.assertEqual(len(record), 1, model)
        return records

    def _guarded(self, predicate):
        """{model: [field names]} of the addon's fields matching predicate.

        A field a model inherits by delegation (res.users from res.partner)
        is written by the model that stores it, whose guard checks it."""
        found = {}
        for model_name in self.env.registry:
            Model = self.env[model_name]
            names = [
                name
                for name, field in Model._fields.items()
                if addon_field(field) and not field.inherited and predicate(field)
            ]
            if names:
                found[model_name] = names
        return found

    def _bad_numbers(self, field):
        bad = [float("nan"), float("inf"), float("-inf")]
        if field.type == "integer":
            bad += [2**31, -(2**31) - 1]
        if not getattr(field, "allow_negative", False):
            bad.append(-1)
        return bad

    def test_numeric_guard_sweeps_the_registry(self):
        """Every settable Integer, Float and Monetary field of the addon, on
        its own models and on the core models it extends: NaN, infinities,
        int4 overflow and (unless the field allows it) -1 are refused, by
        create and write, even for superuser code, and nothing changes."""
        numeric = self._guarded(
            lambda field: field.type in NUMERIC_TYPES and settable(field)
        )
        self.assertIn("min_open_tickets", numeric["crm.segment"])
        self.assertIn("batch_size", numeric["crm.rfm.config"])
        records = self._fixtures()
        guard = self.env.registry["crm.segmentation.guard"]
        checked = 0
        for model_name, names in numeric.items():
            self.assertIn(model_name, records, "no fixture to sweep it with")
            self.assertTrue(issubclass(self.env.registry[model_name], guard))
            record = records[model_name].sudo()
            base_vals = record.copy_data()[0]
            for fname in names:
                field = record._fields[fname]
                before = record[fname]
                for value in self._bad_numbers(field):
                    with self.subTest(field=f"{model_name}.{fname}", value=value):
                        with self.assertRaises(ValidationError):
                            record.write({fname: value})
                        with self.assertRaises(ValidationError):
                            record.create(dict(base_vals, **{fname: value}))
                        checked += 1
                record.invalidate_recordset()
                self.assertEqual(record[fname], before, f"{model_name}.{fname}")
        self.assertGreater(checked, 60)
        # good values still pass
        records["crm.segment"].write({"sequence": 2**31 - 1, "revenue_min": -50.0})

    def test_bookkeeping_fields_are_not_client_writable(self):
        """Stored read-only fields of the addon (counts, states, run dates,
        owners, the lead's segment) are refused to a client, whatever its
        rights, through write and through a context default."""
        bookkeeping = self._guarded(
            lambda field: field.store
            and field.readonly
            and not field.compute
            and field.type not in ("one2many", "many2many")
        )
        self.assertIn("sync_state", bookkeeping["crm.segment"])
        self.assertIn("member_count", bookkeeping["crm.segment"])
        self.assertIn("segment_id", bookkeeping["crm.lead"])
        records = self._fixtures()
        for model_name, names in bookkeeping.items():
            self.assertIn(model_name, records, "no fixture to sweep it with")
            record = records[model_name]
            for fname in names:
                value = record._fields[fname].convert_to_write(record[fname], record)
                with (
                    self.subTest(field=f"{model_name}.{fname}"),
                    mute_logger("odoo.models"),
                    self.assertRaises(AccessError),
                ):
                    record.with_user(self.manager).write({fname: value})
        snapshot = (
            self.env["crm.segment.snapshot"]
            .with_user(self.manager)
            .with_context(default_state="done", default_line_count=99)
            .create({})
        )
        self.assertEqual((snapshot.state, snapshot.line_count), ("draft", 0))
        with self.assertRaises(AccessError):
            self.env["crm.segment.snapshot"].with_user(self.manager).create(
                {"state": "done"}
            )
