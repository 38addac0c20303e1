#!/usr/bin/env python3
"""Walks the web pledge flow (issue 16) in headless Chromium as a person does, over the DevTools
protocol: opens the form, switches language if asked, types the name, picks the age band and the
province, ticks consent, taps "review", then "sign", and lands on the certificate. Fields are
filled and buttons tapped with the browser's own input events (insertText, mouse clicks), so the
same walk works with scripts disabled (--no-script). With --axe FILE (axe-core's axe.min.js), axe
checks every page of the flow against WCAG 2.1 A and AA (scripts are enabled for that).

Prints JSON: {"pages": [{"url", "lang", "violations": [...]}], "finalUrl", "weight": {"bytes",
"gzip", "resources"}}, and saves a screenshot of the last page as OUTDIR/done.png.

usage: flow-check.py URL WIDTH HEIGHT OUTDIR --age BAND [--name NAME] [--province P] [--consent]
       [--lang en] [--no-script] [--axe axe.min.js]
Exit status 3 when Chromium or the websocket-client module is missing."""
import argparse, gzip, json, os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "browser"))
from cdp import Browser

parser = argparse.ArgumentParser()
parser.add_argument("url")
parser.add_argument("width", type=int)
parser.add_argument("height", type=int)
parser.add_argument("outdir")
parser.add_argument("--age", required=True)
parser.add_argument("--name", default="")
parser.add_argument("--province", default="")
parser.add_argument("--consent", action="store_true")
parser.add_argument("--lang", default="vi")
parser.add_argument("--no-script", action="store_true")
parser.add_argument("--axe")
options = parser.parse_args()

browser = Browser(options.width, options.height, mobile=options.width < 600)
pages, weight = [], {"bytes": 0, "gzip": 0, "resources": []}


def node(selector):
    root = browser.call("DOM.getDocument", depth=0)["root"]["nodeId"]
    found = browser.call("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
    if not found:
        raise SystemExit(f"not on the page: {selector}")
    return found


def tap(selector):
    """A mouse click at the middle of the element, as a finger's tap."""
    target = node(selector)
    browser.call("DOM.scrollIntoViewIfNeeded", nodeId=target)
    quad = browser.call("DOM.getBoxModel", nodeId=target)["model"]["border"]
    x, y = sum(quad[0::2]) / 4, sum(quad[1::2]) / 4
    for kind in ("mousePressed", "mouseReleased"):
        browser.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)


def loaded():
    """Waits for the next page, weighs its resources, records it, checks it with axe."""
    browser.wait_for("Page.loadEventFired")
    for event in [e for e in browser.events if e.get("method") == "Network.responseReceived"]:
        browser.events.remove(event)
        response = event["params"]["response"]
        try:
            body = browser.call("Network.getResponseBody", requestId=event["params"]["requestId"])
        except SystemExit:
            continue  # a redirect has no body
        data = body["body"].encode() if not body.get("base64Encoded") else __import__("base64").b64decode(body["body"])
        weight["bytes"] += len(data)
        weight["gzip"] += len(gzip.compress(data, 9))
        weight["resources"].append(response["url"])
    page = {"url": browser.call("Runtime.evaluate", expression="location.href", returnByValue=True)["result"].get("value"),
            "lang": None, "violations": []}
    root = browser.call("DOM.getDocument", depth=1)["root"]
    html = next((child for child in root.get("children", []) if child.get("nodeName") == "HTML"), None)
    if html:
        attributes = html.get("attributes", [])
        page["lang"] = dict(zip(attributes[0::2], attributes[1::2])).get("lang")
    if options.axe:
        browser.call("Emulation.setScriptExecutionDisabled", value=False)
        browser.call("Runtime.evaluate", expression=axe_source)
        result = browser.call("Runtime.evaluate", awaitPromise=True, returnByValue=True, expression=(
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
            ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.map(n => n.target.join(' '))})))"))
        page["violations"] = result["result"].get("value", [{"id": "axe-failed", "help": str(result)}])
        browser.call("Emulation.setScriptExecutionDisabled", value=options.no_script)
    pages.append(page)


try:
    axe_source = open(options.axe).read() if options.axe else None
    browser.call("Page.setBypassCSP", enabled=True)
    browser.call("Network.enable")
    browser.call("DOM.enable")
    browser.call("Emulation.setScriptExecutionDisabled", value=options.no_script)
    browser.call("Page.navigate", url=options.url)
    loaded()
    if options.lang != pages[-1]["lang"]:
        tap(".lang button")
        loaded()
    if options.name:
        browser.call("DOM.focus", nodeId=node("#name"))
        browser.call("Input.insertText", text=options.name)
    tap(f'input[name="ageBand"][value="{options.age}"]')
    if options.province:
        browser.call("DOM.setAttributeValue", nodeId=node(f'#province option[value="{options.province}"]'),
                     name="selected", value="")
    if options.consent:
        tap('input[name="consent"]')
    tap('button[value="review"]')
    loaded()
    tap('button[value="sign"]')
    loaded()
    browser.screenshot(os.path.join(options.outdir, "done.png"))
    print(json.dumps({"pages": pages, "finalUrl": pages[-1]["url"], "weight": weight}))
finally:
    browser.close()
