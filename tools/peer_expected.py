# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The reviewed list of expected differences of the peer-suite step.

A host module's test that fails with our addons installed and passes without
them fails `make test`, unless it is listed here with the reason why the
difference is intended. Keys are pytest node ids as tools/peer_suites.py
prints them ("<module>/tests/<file>.py::<Class>::<test>"); values are the
reason. Keep it short: every entry is a behaviour of a host module we change.
"""

EXPECTED = {}
