# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A web client's session over JSON-RPC (stdlib only), for tools/rpc_story.py."""

import http.cookiejar
import itertools
import json
import urllib.error
import urllib.request


class RpcError(Exception):
    pass


class Client:
    """One user's web session (its cookie), JSON-RPC over HTTP."""

    _ids = itertools.count(1)

    def __init__(self, url, db, login, password, timeout=300):
        self.url = url.rstrip("/")
        self.login = login
        self.timeout = timeout
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar)
        )
        info = self.post(
            "/web/session/authenticate",
            {"db": db, "login": login, "password": password},
        )
        self.uid = info.get("uid")
        if not self.uid:
            raise RpcError(f"login {login} refused")

    def post(self, path, params):
        body = json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "call",
                "params": params,
                "id": next(self._ids),
            }
        ).encode()
        request = urllib.request.Request(
            self.url + path, data=body, headers={"Content-Type": "application/json"}
        )
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                reply = json.load(response)
        except urllib.error.HTTPError as exc:
            raise RpcError(f"{path}: HTTP {exc.code}") from exc
        if reply.get("error"):
            error = reply["error"]
            data = error.get("data") or {}
            raise RpcError(
                f"{path} as {self.login}: {data.get('name', '')}: "
                f"{data.get('message') or error.get('message')}"
            )
        return reply.get("result")

    def call(self, model, method, *args, **kwargs):
        return self.post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def create(self, model, vals):
        return self.call(model, "create", [vals])[0]

    def read(self, model, rec_id, fields):
        (row,) = self.call(model, "read", [rec_id], fields)
        return row

    def search_read(self, model, domain, fields, **kwargs):
        return self.call(model, "search_read", domain, fields, **kwargs)

    def read_one(self, model, domain, fields, what):
        """The one record of ``domain``; fails the story on none or several."""
        rows = self.search_read(model, domain, fields)
        check(len(rows) == 1, f"{what}: {rows}")
        return rows[0]


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def m2o_id(value):
    return value[0] if value else False
