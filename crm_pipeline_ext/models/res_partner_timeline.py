# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer timeline: what every department did with a customer, newest
first, one page at a time.

One page is ONE SQL statement: a UNION ALL of one sub-select per source
(messages on the customer's documents, quotes, orders, invoices...), sorted
and cut with LIMIT/OFFSET in the database. Each sub-select is built from the
source model's ``_search``, so it carries the current user's record rules and
company filter, and a source the user may not read at all is left out. The
number of queries therefore depends on the installed sources, never on the
number of events. Sources of modules that are not installed (helpdesk,
manufacturing, mass mailing) are simply absent: this addon depends on none of
them.
"""

import math
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

MAX_LIMIT = 500
MAX_OFFSET = 2**31 - 1
FILTER_KEYS = ("kind", "channel", "department", "date_from", "date_to")

# the document models whose messages, calls and meetings belong to the
# customer, with the field that names the customer and the department
MESSAGE_MODELS = (
    ("res.partner", "id", "sales"),
    ("crm.lead", "partner_id", "sales"),
    ("sale.order", "partner_id", "sales"),
    ("account.move", "partner_id", "billing"),
    ("helpdesk.ticket", "partner_id", "support"),
)


def _strip_html(sql):
    """The text of an HTML column, tags removed, cut to 200 characters."""
    text = SQL("regexp_replace(%s, '<[^>]*>', ' ', 'g')", sql)
    text = SQL("regexp_replace(%s, '\\s+', ' ', 'g')", text)
    text = SQL("regexp_replace(%s, ' ([:,.;])', '\\1', 'g')", text)
    return SQL("left(btrim(%s), 200)", text)


def _whole(env, value, name, low, high):
    """``value`` as an int within [low, high], or a UserError that says why."""
    number = value
    if isinstance(number, float) and math.isfinite(number) and number.is_integer():
        number = int(number)
    if (
        isinstance(number, bool)
        or not isinstance(number, int)
        or not (low <= number <= high)
    ):
        raise UserError(
            env._(
                "The timeline's %(name)s must be a whole number from %(low)s "
                "to %(high)s, not %(value)r.",
                name=name,
                low=low,
                high=high,
                value=value,
            )
        )
    return number


class ResPartner(models.Model):
    _inherit = "res.partner"

    # -- labels ----------------------------------------------------------
    @api.model
    def _crm_timeline_labels(self):
        """Value -> label of the kinds, channels and departments."""
        return {
            "kind": {
                "message": self.env._("Message"),
                "call": self.env._("Call"),
                "meeting": self.env._("Meeting"),
                "mailing": self.env._("Mailing"),
                "ticket": self.env._("Ticket"),
                "quote": self.env._("Quotation"),
                "order": self.env._("Sales Order"),
                "signature": self.env._("Signature"),
                "production": self.env._("Manufacturing Order"),
                "invoice": self.env._("Invoice"),
                "credit_note": self.env._("Credit Note"),
                "payment": self.env._("Payment"),
            },
            "channel": {
                "email": self.env._("E-mail"),
                "chatter": self.env._("Chatter"),
                "phone": self.env._("Phone"),
                "meeting": self.env._("Meeting"),
                "mailing": self.env._("Mailing"),
                "ticket": self.env._("Ticket"),
                "document": self.env._("Document"),
                "portal": self.env._("Portal"),
            },
            "department": {
                "sales": self.env._("Sales"),
                "production": self.env._("Production"),
                "billing": self.env._("Billing"),
                "support": self.env._("Support"),
                "marketing": self.env._("Marketing"),
            },
        }

    # -- public API ----------------------------------------------------------
    def crm_timeline(self, filters=None, offset=0, limit=40):
        """One page of the customer's timeline, for the timeline widget.

        ``filters``: ``{"kind": [...], "channel": [...], "department": [...],
        "date_from": "YYYY-MM-DD", "date_to": "YYYY-MM-DD"}``, every key
        optional. Returns ``{"entries": [...], "total": n, "offset", "limit",
        "labels"}``; an entry is ``{"date", "kind", "channel", "department",
        "title", "amount", "currency", "model", "res_id", "date_only"}`` with
        ``model`` and ``res_id`` the record to open, and ``date_only`` for
        entries dated by a day (invoices, payments), not a moment.
        """
        self.ensure_one()
        filters, offset, limit = self._crm_timeline_check_input(filters, offset, limit)
        # a customer the user may not open has no timeline for them
        self.check_access("read")
        entries, total = self.commercial_partner_id._crm_timeline(
            filters, offset, limit
        )
        return {
            "entries": entries,
            "total": total,
            "offset": offset,
            "limit": limit,
            "labels": self._crm_timeline_labels(),
        }

    @api.model
    def _crm_timeline_check_input(self, filters, offset, limit):
        """Refuse what is not a page or a filter, with a message that says why."""
        if not self.env.user._is_internal():
            raise AccessError(
                self.env._("Only internal users see the customer timeline.")
            )
        limit = _whole(self.env, limit, "limit", 1, MAX_LIMIT)
        offset = _whole(self.env, offset, "offset", 0, MAX_OFFSET)
        filters = filters or {}
        if not isinstance(filters, dict):
            raise UserError(self.env._("The timeline filters must be a dictionary."))
        unknown = set(filters) - set(FILTER_KEYS)
        if unknown:
            raise UserError(
                self.env._(
                    "Unknown timeline filter(s): %(names)s. Known: %(known)s.",
                    names=", ".join(sorted(map(str, unknown))),
                    known=", ".join(FILTER_KEYS),
                )
            )
        labels = self._crm_timeline_labels()
        clean = {}
        for key in ("kind", "channel", "department"):
            values = filters.get(key)
            if not values:
                continue
            if isinstance(values, str):
                values = [values]
            if not isinstance(values, list | tuple) or not all(
                isinstance(v, str) and v in labels[key] for v in values
            ):
                raise UserError(
                    self.env._(
                        "Unknown timeline %(key)s %(values)r. Known: %(known)s.",
                        key=key,
                        values=values,
                        known=", ".join(labels[key]),
                    )
                )
            clean[key] = tuple(values)
        for key in ("date_from", "date_to"):
            value = filters.get(key)
            if not value:
                continue
            try:
                clean[key] = fields.Date.to_date(value)
            except (TypeError, ValueError):
                clean[key] = None
            if not clean[key]:
                raise UserError(
                    self.env._(
                        "The timeline's %(key)s must be a date (YYYY-MM-DD), "
                        "not %(value)r.",
                        key=key,
                        value=value,
                    )
                )
        return clean, offset, limit

    # -- engine --------------------------------------------------------------
    def _crm_timeline(self, filters, offset, limit):
        """Entries and total count of one page, for the commercial partner
        ``self`` and its contacts, under the current user's access."""
        self.ensure_one()
        parts = [sql for sql in self._crm_timeline_sources(filters) if sql is not None]
        if not parts:
            return [], 0
        conditions = [SQL("TRUE")]
        if filters.get("kind"):
            conditions.append(SQL("t.kind IN %s", filters["kind"]))
        if filters.get("channel"):
            conditions.append(SQL("t.channel IN %s", filters["channel"]))
        if filters.get("department"):
            conditions.append(SQL("t.department IN %s", filters["department"]))
        if filters.get("date_from"):
            conditions.append(SQL("t.date >= %s", filters["date_from"]))
        if filters.get("date_to"):
            conditions.append(
                SQL("t.date < %s", filters["date_to"] + timedelta(days=1))
            )
        rows = self.env.execute_query_dict(
            SQL(
                "SELECT t.*, count(*) OVER () AS total FROM (%s) t WHERE %s "
                "ORDER BY t.date DESC, t.source, t.source_id DESC "
                "LIMIT %s OFFSET %s",
                SQL(" UNION ALL ").join(parts),
                SQL(" AND ").join(conditions),
                limit,
                offset,
            )
        )
        total = rows[0]["total"] if rows else 0
        if not rows and offset:
            # past the last page: still say how many there are
            total = self.env.execute_query(
                SQL(
                    "SELECT count(*) FROM (%s) t WHERE %s",
                    SQL(" UNION ALL ").join(parts),
                    SQL(" AND ").join(conditions),
                )
            )[0][0]
        entries = [
            {
                "date": fields.Datetime.to_string(row["date"]),
                "kind": row["kind"],
                "channel": row["channel"],
                "department": row["department"],
                "title": row["title"] or "",
                "amount": row["amount"],
                "currency": row["currency"],
                "model": row["model"],
                "res_id": row["res_id"],
                # invoices and payments have a day, not a time of day
                "date_only": row["date_only"],
            }
            for row in rows
        ]
        return entries, total

    def _crm_timeline_readable(self, model):
        """The model's recordset for the current user, or None when the
        model is not installed or the user may not read it at all."""
        if model not in self.env:
            return None
        records = self.env[model].with_context(active_test=False)
        if not records.has_access("read"):
            return None
        return records

    def _crm_timeline_query(self, model, domain, filters, statics):
        """``model._search(domain)`` as the current user, or None when the
        user may not read the model, or when the filters exclude every kind,
        channel and department the source can give (``statics``: the
        possible ``(kind, channel, department)`` of its rows)."""
        for key, index in (("kind", 0), ("channel", 1), ("department", 2)):
            wanted = filters.get(key)
            if wanted:
                statics = [s for s in statics if s[index] in wanted]
        if not statics:
            return None
        records = self._crm_timeline_readable(model)
        if records is None:
            return None
        query = records._search(domain)
        if query.is_empty():
            return None
        return query

    def _crm_timeline_partners(self):
        """The commercial partner and its contacts, as a sub-select. Linking
        a document to the customer needs no right on the contacts."""
        return (
            self.env["res.partner"]
            .with_context(active_test=False)
            ._search([("commercial_partner_id", "=", self.id)], bypass_access=True)
        )

    def _crm_timeline_sources(self, filters):
        """The SQL sub-selects of the installed sources the user may read,
        each with the columns (date, kind, channel, department, title,
        amount, currency, model, res_id, source, source_id)."""
        yield from self._crm_timeline_messages(filters)
        yield self._crm_timeline_mailings(filters)
        yield self._crm_timeline_tickets(filters)
        yield from self._crm_timeline_sale_orders(filters)
        yield self._crm_timeline_productions(filters)
        yield self._crm_timeline_invoices(filters)
        yield self._crm_timeline_payments(filters)

    def _crm_timeline_select(self, query, **columns):
        """``query.select`` with the timeline's columns in their order."""
        order = (
            "date",
            "kind",
            "channel",
            "department",
            "title",
            "amount",
            "currency",
            "model",
            "res_id",
            "source",
            "source_id",
            "date_only",
        )
        casts = {
            "date": "timestamp",
            "kind": "varchar",
            "channel": "varchar",
            "department": "varchar",
            "title": "varchar",
            "amount": "numeric",
            "currency": "varchar",
            "model": "varchar",
            "res_id": "integer",
            "source": "varchar",
            "source_id": "integer",
            "date_only": "boolean",
        }
        return query.select(
            *(
                SQL(
                    "CAST(%s AS %s) AS %s",
                    columns.get(name, SQL("FALSE" if name == "date_only" else "NULL")),
                    SQL(casts[name]),
                    SQL.identifier(name),
                )
                for name in order
            )
        )

    def _crm_timeline_currency(self, query, table, column="currency_id"):
        alias = query.left_join(table, column, "res_currency", "id", "tl_currency")
        return SQL.identifier(alias, "name")

    def _crm_timeline_messages(self, filters):
        """E-mails and chatter messages, calls and meetings done, on the
        customer and on every document of the customer the user may read."""
        statics_of = {
            dept: [
                ("message", "email", dept),
                ("message", "chatter", dept),
                ("call", "phone", dept),
                ("meeting", "meeting", dept),
            ]
            for dept in ("sales", "billing", "support")
        }
        partners = self._crm_timeline_partners()
        for model, partner_field, dept in MESSAGE_MODELS:
            documents = self._crm_timeline_query(
                model,
                [(partner_field, "in", partners)],
                filters,
                statics_of[dept],
            )
            messages = self._crm_timeline_readable("mail.message")
            if documents is None or messages is None:
                continue
            # the message is readable because its document is: the
            # document's query carries the rules, mail.message has none of
            # its own that would be set-based
            query = messages._search(
                [
                    ("model", "=", model),
                    ("message_type", "in", ("email", "comment", "notification")),
                ],
                bypass_access=True,
            )
            query.add_where(
                SQL(
                    "mail_message.res_id IN %s",
                    documents.subselect(),
                )
            )
            activity_type = query.left_join(
                "mail_message",
                "mail_activity_type_id",
                "mail_activity_type",
                "id",
                "tl_activity_type",
            )
            category = SQL.identifier(activity_type, "category")
            query.add_where(
                SQL(
                    "(mail_message.message_type IN ('email', 'comment') "
                    "OR %s IN ('phonecall', 'meeting'))",
                    category,
                )
            )
            body = _strip_html(SQL("mail_message.body"))
            yield self._crm_timeline_select(
                query,
                date=SQL("mail_message.date"),
                kind=SQL(
                    "CASE %s WHEN 'phonecall' THEN 'call' WHEN 'meeting' "
                    "THEN 'meeting' ELSE 'message' END",
                    category,
                ),
                channel=SQL(
                    "CASE WHEN %s = 'phonecall' THEN 'phone' "
                    "WHEN %s = 'meeting' THEN 'meeting' "
                    "WHEN mail_message.message_type = 'email' THEN 'email' "
                    "ELSE 'chatter' END",
                    category,
                    category,
                ),
                department=SQL("%s", dept),
                title=SQL("COALESCE(NULLIF(mail_message.subject, ''), %s)", body),
                model=SQL("mail_message.model"),
                res_id=SQL("mail_message.res_id"),
                source=SQL("'mail.message'"),
                source_id=SQL("mail_message.id"),
            )

    def _crm_timeline_mailings(self, filters):
        """Mailings sent to the customer or to the customer's leads."""
        query = self._crm_timeline_query(
            "mailing.trace",
            [("trace_status", "in", ("sent", "open", "reply"))],
            filters,
            [("mailing", "mailing", "marketing")],
        )
        if query is None:
            return None
        partners = self._crm_timeline_partners()
        leads = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            ._search([("partner_id", "in", partners)], bypass_access=True)
        )
        query.add_where(
            SQL(
                "((mailing_trace.model = 'res.partner' "
                "AND mailing_trace.res_id IN %s) "
                "OR (mailing_trace.model = 'crm.lead' AND mailing_trace.res_id IN %s))",
                partners.subselect(),
                leads.subselect(),
            )
        )
        mailing = query.left_join(
            "mailing_trace", "mass_mailing_id", "mailing_mailing", "id", "tl_mailing"
        )
        return self._crm_timeline_select(
            query,
            date=SQL(
                "COALESCE(mailing_trace.sent_datetime, mailing_trace.create_date)"
            ),
            kind=SQL("'mailing'"),
            channel=SQL("'mailing'"),
            department=SQL("'marketing'"),
            title=self.env["mailing.mailing"]._field_to_sql(mailing, "subject", query),
            model=SQL("'mailing.mailing'"),
            res_id=SQL.identifier(mailing, "id"),
            source=SQL("'mailing.trace'"),
            source_id=SQL("mailing_trace.id"),
        )

    def _crm_timeline_tickets(self, filters):
        query = self._crm_timeline_query(
            "helpdesk.ticket",
            [("partner_id", "in", self._crm_timeline_partners())],
            filters,
            [("ticket", "ticket", "support")],
        )
        if query is None:
            return None
        return self._crm_timeline_select(
            query,
            date=SQL("helpdesk_ticket.create_date"),
            kind=SQL("'ticket'"),
            channel=SQL("'ticket'"),
            department=SQL("'support'"),
            title=SQL(
                "concat_ws(' ', NULLIF(helpdesk_ticket.number, '/'), "
                "helpdesk_ticket.name)"
            ),
            model=SQL("'helpdesk.ticket'"),
            res_id=SQL("helpdesk_ticket.id"),
            source=SQL("'helpdesk.ticket'"),
            source_id=SQL("helpdesk_ticket.id"),
        )

    def _crm_timeline_sale_orders(self, filters):
        """Quotes and orders on their order date, and portal signatures on
        their signing date."""
        partners = self._crm_timeline_partners()
        query = self._crm_timeline_query(
            "sale.order",
            [("partner_id", "in", partners), ("state", "!=", "cancel")],
            filters,
            [("quote", "document", "sales"), ("order", "document", "sales")],
        )
        if query is not None:
            yield self._crm_timeline_select(
                query,
                date=SQL("sale_order.date_order"),
                kind=SQL(
                    "CASE WHEN sale_order.state = 'sale' THEN 'order' ELSE 'quote' END"
                ),
                channel=SQL("'document'"),
                department=SQL("'sales'"),
                title=SQL("sale_order.name"),
                amount=SQL("sale_order.amount_total"),
                currency=self._crm_timeline_currency(query, "sale_order"),
                model=SQL("'sale.order'"),
                res_id=SQL("sale_order.id"),
                source=SQL("'sale.order'"),
                source_id=SQL("sale_order.id"),
            )
        query = self._crm_timeline_query(
            "sale.order",
            [("partner_id", "in", partners), ("signed_on", "!=", False)],
            filters,
            [("signature", "portal", "sales")],
        )
        if query is not None:
            yield self._crm_timeline_select(
                query,
                date=SQL("sale_order.signed_on"),
                kind=SQL("'signature'"),
                channel=SQL("'portal'"),
                department=SQL("'sales'"),
                title=SQL("concat_ws(' - ', sale_order.name, sale_order.signed_by)"),
                amount=SQL("sale_order.amount_total"),
                currency=self._crm_timeline_currency(query, "sale_order"),
                model=SQL("'sale.order'"),
                res_id=SQL("sale_order.id"),
                source=SQL("'sale.order.signature'"),
                source_id=SQL("sale_order.id"),
            )

    def _crm_timeline_productions(self, filters):
        """Manufacturing orders made for the customer's sales orders (their
        source document is the order's number)."""
        query = self._crm_timeline_query(
            "mrp.production",
            [("state", "!=", "cancel")],
            filters,
            [("production", "document", "production")],
        )
        if query is None:
            return None
        orders = self.env["sale.order"]._search(
            [("partner_id", "in", self._crm_timeline_partners())],
            bypass_access=True,
        )
        query.add_where(
            SQL("mrp_production.origin IN %s", orders.subselect("sale_order.name"))
        )
        return self._crm_timeline_select(
            query,
            date=SQL("mrp_production.date_start"),
            kind=SQL("'production'"),
            channel=SQL("'document'"),
            department=SQL("'production'"),
            title=SQL("concat_ws(' - ', mrp_production.name, mrp_production.origin)"),
            model=SQL("'mrp.production'"),
            res_id=SQL("mrp_production.id"),
            source=SQL("'mrp.production'"),
            source_id=SQL("mrp_production.id"),
        )

    def _crm_timeline_invoices(self, filters):
        query = self._crm_timeline_query(
            "account.move",
            [
                ("partner_id", "in", self._crm_timeline_partners()),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("state", "=", "posted"),
            ],
            filters,
            [
                ("invoice", "document", "billing"),
                ("credit_note", "document", "billing"),
            ],
        )
        if query is None:
            return None
        return self._crm_timeline_select(
            query,
            date=SQL("account_move.invoice_date"),
            date_only=SQL("TRUE"),
            kind=SQL(
                "CASE WHEN account_move.move_type = 'out_refund' THEN 'credit_note' "
                "ELSE 'invoice' END"
            ),
            channel=SQL("'document'"),
            department=SQL("'billing'"),
            title=SQL("account_move.name"),
            amount=SQL(
                "CASE WHEN account_move.move_type = 'out_refund' "
                "THEN -account_move.amount_total ELSE account_move.amount_total END"
            ),
            currency=self._crm_timeline_currency(query, "account_move"),
            model=SQL("'account.move'"),
            res_id=SQL("account_move.id"),
            source=SQL("'account.move'"),
            source_id=SQL("account_move.id"),
        )

    def _crm_timeline_payments(self, filters):
        query = self._crm_timeline_query(
            "account.payment",
            [
                ("partner_id", "in", self._crm_timeline_partners()),
                ("state", "in", ("in_process", "paid")),
            ],
            filters,
            [("payment", "document", "billing")],
        )
        if query is None:
            return None
        return self._crm_timeline_select(
            query,
            date=SQL("account_payment.date"),
            date_only=SQL("TRUE"),
            kind=SQL("'payment'"),
            channel=SQL("'document'"),
            department=SQL("'billing'"),
            title=SQL("account_payment.name"),
            amount=SQL(
                "CASE WHEN account_payment.payment_type = 'outbound' "
                "THEN -account_payment.amount ELSE account_payment.amount END"
            ),
            currency=self._crm_timeline_currency(query, "account_payment"),
            model=SQL("'account.payment'"),
            res_id=SQL("account_payment.id"),
            source=SQL("'account.payment'"),
            source_id=SQL("account_payment.id"),
        )
