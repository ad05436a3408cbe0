# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A lost opportunity says why (issue 18): the Mark as Lost dialog asks for
the reason, and the saved lead refuses a loss without one however it is
written (the dialog, action_set_lost, a write of active/probability)."""

from lxml import etree

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import PipelineCommon


@tagged("post_install", "-at_install")
class TestLostReason(PipelineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # off on install (core's behaviour): the company turns it on
        cls.company.crm_lost_reason_required = True
        cls.reason = cls.env["crm.lost.reason"].create({"name": "PE Too expensive"})
        cls.lead = cls._lead(name="Lost Deal", probability=40)

    def _as(self, user):
        return self.lead.with_user(user)

    def test_write_without_reason_refused(self):
        """Over the API, as a salesperson: active=False with probability 0 is
        a loss; without a reason it is refused and nothing changes."""
        with (
            self.assertRaisesRegex(ValidationError, "lost reason"),
            self.env.cr.savepoint(),
        ):
            self._as(self.salesman).write({"active": False, "probability": 0})
        self.env.invalidate_all()
        self.assertTrue(self.lead.active)
        self.assertEqual(self.lead.won_status, "pending")
        with self.assertRaisesRegex(ValidationError, "lost reason"):
            self._as(self.salesman).action_set_lost()
        with self.assertRaisesRegex(ValidationError, "lost reason"):
            self._as(self.manager).action_set_lost(lost_reason_id=False)

    def test_write_with_reason(self):
        lead = self._as(self.salesman)
        lead.write(
            {"active": False, "probability": 0, "lost_reason_id": self.reason.id}
        )
        self.assertEqual(lead.won_status, "lost")
        # reopened: the reason is cleared, and losing it again asks again
        lead.action_unarchive()
        self.assertFalse(lead.lost_reason_id)
        with self.assertRaises(ValidationError):
            lead.action_set_lost()
        lead.action_set_lost(lost_reason_id=self.reason.id)
        self.assertEqual(lead.won_status, "lost")

    def test_off_on_install(self):
        """A new company keeps core's behaviour until it asks for reasons."""
        company = self.env["res.company"].create({"name": "PE New Co"})
        self.assertFalse(company.crm_lost_reason_required)

    def test_archiving_is_not_losing(self):
        """Archiving an open opportunity (probability above 0) is no loss."""
        self._as(self.salesman).action_archive()
        self.assertFalse(self.lead.active)
        self.assertEqual(self.lead.won_status, "pending")

    def test_wizard(self):
        """The dialog requires the reason, and applies it even to a lead
        already at 0% (lost as soon as archived)."""
        self.lead.probability = 0
        Wizard = self.env["crm.lead.lost"].with_user(self.salesman)
        arch = etree.fromstring(Wizard.get_view(view_type="form")["arch"])
        self.assertEqual(
            arch.xpath("//field[@name='lost_reason_id']")[0].get("required"),
            "lost_reason_required",
        )
        form = Form(Wizard.with_context(default_lead_ids=self.lead.ids))
        self.assertTrue(form.lost_reason_required)
        with self.assertRaises(AssertionError):
            form.save()  # the required reason is missing
        form.lost_reason_id = self.reason
        form.save().action_lost_reason_apply()
        self.assertEqual(self.lead.won_status, "lost")
        self.assertEqual(self.lead.lost_reason_id, self.reason)

    def test_company_setting_off(self):
        """A company that does not ask for reasons loses without one."""
        self.company.crm_lost_reason_required = False
        wizard = self.env["crm.lead.lost"].create({"lead_ids": self.lead.ids})
        self.assertFalse(wizard.lost_reason_required)
        self._as(self.salesman).action_set_lost()
        self.assertEqual(self.lead.won_status, "lost")

    def test_setting_is_per_company(self):
        """The rule of the lead's company applies, not the user's current one;
        a salesperson cannot turn it off."""
        self.other_company.crm_lost_reason_required = False
        self.salesman.company_ids |= self.other_company
        lead = self._as(self.salesman).with_context(
            allowed_company_ids=[self.other_company.id, self.company.id]
        )
        with self.assertRaises(ValidationError):
            lead.action_set_lost()
        with self.assertRaises(AccessError):
            self.company.with_user(self.salesman).crm_lost_reason_required = False
        self.assertTrue(self.company.crm_lost_reason_required)

    def test_superuser_code_closes_without_reason(self):
        """Server code running as superuser (merges, crons, other modules'
        automated closing) is not refused."""
        self.lead.action_set_lost()
        self.assertEqual(self.lead.won_status, "lost")
