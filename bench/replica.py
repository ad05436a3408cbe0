# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Bench step "replica": the read-replica step of tools/suite/replica.py
(the suite's reports over HTTP on a prefork server given a streaming
standby, each served by the standby, a write by the primary) on a copy of a
bench database, with the seconds each report takes there.

The bench data have no demo users: the administrator (password set to
"admin" on the copy) opens every report, with the companies' document
layout set (else a report opens the layout wizard), and a segment of all
customers is made when the data have none. ``tools/bench.py --size M --replica`` runs it
and saves the numbers in the results file under ``replica``.
"""

from suite.replica import ReplicaTask
from twonode import prepare_copy

# the companies' document layout set (else a report opens the layout wizard
# for the administrator), and a segment when the data have none
LAYOUT_AND_SEGMENT = """
    env["res.company"].search([("external_report_layout_id", "=", False)]).write(
        {"external_report_layout_id": env.ref("web.external_layout_standard").id}
    )
    if not env["crm.segment"].search_count([], limit=1):
        segment = env["crm.segment"].create(
            {"name": "Bench customers", "partner_domain": "[('customer_rank', '>', 0)]"}
        )
        segment.action_compute()
"""


class BenchReplica(ReplicaTask):
    """The replica step on bench data, as the administrator."""

    title = "read replica, bench data"
    SALES = ("admin", "admin")

    def run(self):
        prepare_copy(self.odoo, self.db, LAYOUT_AND_SEGMENT)
        super().run()

    @property
    def result(self):
        served = [path for path in set(self.paths) if self.modes.get(path) == {"ro"}]
        return {
            "requests": len(self.paths),
            "paths": len(set(self.paths)),
            "paths_on_replica": len(served),
            "seconds": dict(self.timings),
            "total_s": round(sum(s for _what, s in self.timings), 3),
        }
