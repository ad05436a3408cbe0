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

import subprocess

from suite.replica import ReplicaTask

PREPARE = """
import sys
import odoo
from odoo.modules.registry import Registry
from odoo.tools import config
config.parse_config(["-c", sys.argv[1], "-d", sys.argv[2], "--log-level=warn"])
with Registry(sys.argv[2]).cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    env.ref("base.user_admin").password = "admin"
    # else a report asks the administrator to configure the layout first
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

    def __init__(self, odoo, db):
        super().__init__(odoo, db)
        self.paths, self.modes, self.timings = [], {}, []

    def run(self):
        subprocess.run(
            [self.odoo.python, "-c", PREPARE, str(self.odoo.config), self.db],
            check=True,
            capture_output=True,
        )
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
