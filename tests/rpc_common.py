# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""JSON-RPC calls as an integration or a hand-written client makes them.

``rpc()`` calls a model method through ``/web/dataset/call_kw`` with the
context the caller chooses and returns ``(result, error_name, message)``.
Users log in with ``login(key)``; their password is their login, and the
login is ``<LOGIN_PREFIX><key>``.
"""

import json


class RpcMixin:
    """For an HttpCase."""

    LOGIN_PREFIX = "qa_"

    def login(self, role):
        login = f"{self.LOGIN_PREFIX}{role}"
        if getattr(self, "_rpc_login", None) != login:
            self.authenticate(login, login)
            self._rpc_login = login

    def rpc(self, model, method, *args, context=None, **kwargs):
        """``(result, error_name, message)`` of one call as the logged-in user."""
        if context is not None:
            kwargs["context"] = context
        self.env.flush_all()
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "model": model,
                "method": method,
                "args": list(args),
                "kwargs": kwargs,
            },
        }
        # json.dumps writes NaN and Infinity as JavaScript does, and the
        # server's parser takes them: a client can send them
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200, response.text[:300])
        self.env.invalidate_all()
        body = response.json()
        error = body.get("error")
        if not error:
            return body.get("result"), None, ""
        data = error.get("data", {})
        return None, data.get("name"), data.get("message", "")

    def rpc_as(self, role, model, method, *args, **kwargs):
        self.login(role)
        return self.rpc(model, method, *args, **kwargs)

    def assert_refused(self, outcome, kinds=("odoo.exceptions.AccessError",)):
        result, error, message = outcome
        self.assertIn(error, kinds, f"accepted or wrong error: {outcome!r}")
        self.assertTrue(message.strip(), outcome)
        self.assertIsNone(result)
