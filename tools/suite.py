#!/usr/bin/env python3
# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Entry point of the harness (what the Makefile runs); the code is the
package tools/suite/, split by job (see its __init__)."""

import sys

from suite.cli import main  # the package tools/suite/ beside this script

if __name__ == "__main__":
    sys.exit(main())
