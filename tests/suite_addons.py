# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The suite's addons: the folders of this repository with a manifest."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = tuple(sorted(p.parent.name for p in ROOT.glob("*/__manifest__.py")))
