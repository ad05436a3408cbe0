# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Which code may change the reviews of a quote.

base_tier_validation lets every internal user write ``tier.review``, and a
context key would come from the client. The decision paths of ``sale.order``
(request, validate, reject, restart, delete) open a guard for the duration
of the call instead: a ``ContextVar`` is local to the running request (thread
or task) and reset when the call returns, so nothing leaks between requests
and no client can set it.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_REVIEW_CHANGE_ALLOWED = ContextVar("crm_quote_pricer_review_change", default=False)


@contextmanager
def review_change_allowed():
    token = _REVIEW_CHANGE_ALLOWED.set(True)
    try:
        yield
    finally:
        _REVIEW_CHANGE_ALLOWED.reset(token)


def is_review_change_allowed():
    return _REVIEW_CHANGE_ALLOWED.get()
