#!/usr/bin/env python3
# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Take the README screenshots from a running demo with headless Chromium.

Start the demo first (``make run``, or ``python3 tools/suite.py run --port 8099
--db crmdemo``), then::

    python3 tools/screenshots.py --url http://127.0.0.1:8099 --db crmdemo

Each screen is opened as the demo user whose job it is (login = password),
through the DevTools protocol (``websocket-client``), and saved as an
optimized PNG in ``docs/screenshots/``. Chromium is looked up as ``chromium``,
``chromium-browser`` or ``google-chrome``, or given with ``--chromium``.
"""

import argparse
import base64
import io
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import websocket

ROOT = Path(__file__).resolve().parent.parent

# name, login, how to reach the screen, what to click once it is shown.
# "record" is (xmlid of the record, action xmlid); "search" is (model, domain)
# whose values may be xmlids of demo records, the first match opened in
# "action"; "action" alone opens an action, "view" in that view type; "clicks"
# are CSS selectors clicked in order; "style" is CSS added before the shot.
SHOTS = [
    {
        "name": "pipeline",
        "login": "sales",
        "action": "crm.crm_lead_action_pipeline",
    },
    {
        "name": "territories",
        "login": "admin",
        "record": (
            "crm_pipeline_ext.demo_territory_madrid",
            "crm_pipeline_ext.crm_territory_action",
        ),
        "clicks": ["a.nav-link[name='members']"],
    },
    {
        "name": "quote_approval",
        "login": "approver",
        "record": (
            "crm_quote_pricer.demo_order_needs_approval",
            "sale.action_quotations_with_onboarding",
        ),
        "clicks": ["a.nav-link[name='pricer_pricing']"],
    },
    {
        "name": "quote_waterfall",
        "login": "sales",
        "record": (
            "crm_quote_pricer.demo_order_needs_approval",
            "sale.action_quotations_with_onboarding",
        ),
        # the quote's Waterfall page, then the steps of its first line
        "clicks": [
            "button[name='action_pricer_open_waterfall']",
            ".o_data_row button[name='action_pricer_open_line_waterfall']",
        ],
        "wait_for": ".modal .o_form_view",
    },
    {
        "name": "approver_queue",
        "login": "approver",
        "action": "crm_quote_pricer.sale_order_action_pricer_to_approve",
        "view": "list",
    },
    {
        "name": "fulfilment",
        "login": "admin",
        "record": (
            "crm_quote_pricer.demo_order_confirmed",
            "sale.action_orders",
        ),
        "clicks": ["a.nav-link[name='pricer_fulfilment']"],
    },
    {
        "name": "manufacturing_order",
        "login": "production",
        "search": (
            "mrp.production",
            [["pricer_sale_order_id", "=", "crm_quote_pricer.demo_order_confirmed"]],
        ),
        "action": "mrp.mrp_production_action",
    },
    {
        "name": "ticket_coverage",
        "login": "support",
        "record": (
            "crm_helpdesk_link.demo_ticket_gold_6",
            "helpdesk_mgmt.helpdesk_ticket_action",
        ),
        "clicks": ["a.nav-link[name='coverage']"],
    },
    {
        "name": "billable_tickets",
        "login": "billing",
        "action": "crm_helpdesk_link.helpdesk_ticket_billable_action",
        "view": "list",
    },
    {
        "name": "segment_persona",
        "login": "marketing",
        "search": ("crm.segment", [["name", "=", "Champions"]]),
        "action": "crm_segmentation.crm_segment_action",
        "clicks": ["a.nav-link[name='persona']"],
    },
    {
        "name": "rfm_scores",
        "login": "marketing",
        "action": "crm_segmentation.crm_rfm_score_action",
        "view": "graph",
    },
    {
        "name": "segment_trend",
        "login": "marketing",
        "action": "crm_segmentation.crm_segment_snapshot_line_action",
        "view": "graph",
    },
    {
        "name": "kpi_report",
        "login": "admin",
        "action": "crm_pipeline_ext.crm_salesperson_kpi_report_action",
        "view": "list",
    },
]

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--mute-audio",
]


class Odoo:
    """A JSON-RPC session of one user."""

    def __init__(self, url, db, login):
        self.url = url.rstrip("/")
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar)
        )
        self.uid = self.call(
            "/web/session/authenticate",
            {"db": db, "login": login, "password": login},
        )["uid"]

    def call(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params})
        req = urllib.request.Request(
            self.url + path,
            data=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(req, timeout=120) as resp:
            answer = json.load(resp)
        if answer.get("error"):
            raise RuntimeError(json.dumps(answer["error"], indent=1)[:2000])
        return answer["result"]

    def call_kw(self, model, method, args, kwargs=None):
        return self.call(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def session_id(self):
        return next(c.value for c in self.jar if c.name == "session_id")


class Browser:
    """Headless Chromium driven over the DevTools protocol."""

    def __init__(self, binary, width, height):
        self.profile = tempfile.mkdtemp(prefix="crm-suite-shots-")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.proc = subprocess.Popen(
            [
                binary,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={self.profile}",
                f"--remote-debugging-port={port}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/json/list", timeout=2
                ) as resp:
                    pages = [p for p in json.load(resp) if p["type"] == "page"]
                if pages:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                self.close()
                raise RuntimeError("Chromium did not open its DevTools port")
            time.sleep(0.3)
        self.ws = websocket.create_connection(
            pages[0]["webSocketDebuggerUrl"], timeout=60, suppress_origin=True
        )
        self.next_id = 0
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.send("Network.enable")
        self.send("Page.enable")

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True
        )
        return result.get("result", {}).get("value")

    def wait_for(self, selector, timeout=60):
        deadline = time.time() + timeout
        check = (
            f"!!document.querySelector({json.dumps(selector)}) && "
            "!document.querySelector('.o_loading_indicator, .o_blockUI')"
        )
        while not self.evaluate(check):
            if time.time() > deadline:
                raise RuntimeError(f"timeout waiting for {selector}")
            time.sleep(0.3)

    def close(self):
        try:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def optimize_png(data):
    """Shrink a UI screenshot: 256-colour palette, zlib at its best."""
    try:
        from PIL import Image  # optional; Odoo requires it
    except ImportError:
        return data
    image = Image.open(io.BytesIO(data)).convert("RGB")
    image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue() if out.tell() < len(data) else data


def record_id(admin, xmlid):
    module, name = xmlid.split(".", 1)
    rows = admin.call_kw(
        "ir.model.data",
        "search_read",
        [[["module", "=", module], ["name", "=", name]]],
        {"fields": ["res_id"], "limit": 1},
    )
    if not rows:
        raise RuntimeError(f"{xmlid} not found: is this a demo database?")
    return rows[0]["res_id"]


def shot_url(admin, shot):
    if "record" in shot:
        xmlid, action = shot["record"]
        return f"/odoo/action-{action}/{record_id(admin, xmlid)}"
    if "search" in shot:
        model, domain = shot["search"]
        domain = [
            [field, op, record_id(admin, value) if "." in str(value) else value]
            for field, op, value in domain
        ]
        ids = admin.call_kw(model, "search", [domain], {"limit": 1})
        if not ids:
            raise RuntimeError(f"no {model} matches {domain}")
        return f"/odoo/action-{shot['action']}/{ids[0]}"
    url = f"/odoo/action-{shot['action']}"
    if shot.get("view"):
        url += f"?view_type={shot['view']}"
    return url


def take(browser, base, db, shot, admin, out_dir):
    user = Odoo(base, db, shot["login"])
    host = base.split("//", 1)[1].split("/", 1)[0].split(":")[0]
    browser.send("Network.clearBrowserCookies")
    browser.send(
        "Network.setCookie",
        name="session_id",
        value=user.session_id(),
        domain=host,
        path="/",
    )
    browser.send("Page.navigate", url=base + shot_url(admin, shot))
    browser.wait_for(".o_action_manager .o_view_controller")
    for selector in shot.get("clicks", []):
        browser.wait_for(selector)
        browser.evaluate(f"document.querySelector({json.dumps(selector)}).click()")
        time.sleep(0.5)
    if shot.get("wait_for"):
        browser.wait_for(shot["wait_for"])
    if shot.get("style"):
        browser.evaluate(
            "(() => { const s = document.createElement('style'); "
            f"s.textContent = {json.dumps(shot['style'])}; "
            "document.head.appendChild(s); })()"
        )
    time.sleep(1.5)  # let charts and fonts settle
    data = base64.b64decode(
        browser.send("Page.captureScreenshot", format="png")["data"]
    )
    path = out_dir / f"{shot['name']}.png"
    path.write_bytes(optimize_png(data))
    print(f"{path}  ({shot['login']}, {path.stat().st_size // 1024} KiB)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="crm_suite")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--chromium")
    parser.add_argument("--only", nargs="*", help="names of the shots to take")
    args = parser.parse_args(argv)
    binary = args.chromium or next(
        (
            found
            for name in ("chromium", "chromium-browser", "google-chrome")
            if (found := shutil.which(name))
        ),
        None,
    )
    if not binary:
        sys.exit("Chromium not found: pass --chromium /path/to/chromium")
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    base = args.url.rstrip("/")
    admin = Odoo(base, args.db, "admin")
    browser = Browser(binary, args.width, args.height)
    failed = 0
    try:
        for shot in SHOTS:
            if args.only and shot["name"] not in args.only:
                continue
            try:
                take(browser, base, args.db, shot, admin, out_dir)
            except RuntimeError as exc:
                failed += 1
                print(f"FAILED {shot['name']}: {exc}", file=sys.stderr)
    finally:
        browser.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
