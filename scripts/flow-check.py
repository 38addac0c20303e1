#!/usr/bin/env python3
"""Walks the web pledge flow (issue 16) in headless Chromium as a person does, over the DevTools
protocol: opens the form, switches language if asked, types the name, picks the age band and the
province, ticks consent, taps "review", then "sign", and lands on the certificate. Fields are
filled and buttons tapped with the browser's own input events (insertText, mouse clicks), so the
same walk works with scripts disabled (--no-script). With --axe FILE (axe-core's axe.min.js), axe
checks every page of the flow against WCAG 2.1 A and AA (scripts are enabled for that).

The tablet kiosk mode (--kiosk ID TOKEN, URL `/tablet`): the walk starts on the setup page
(kiosk id and kiosk token), waits for the page's script to put each answer in place (data-swaps
on <html>) instead of a page load, and ends on the large QR, then taps "next signer" and checks
that the fresh start holds nothing of the signer and that history did not grow. --offline: the
first signature is sent while the browser is offline, the second one's answer is lost after the
service recorded it (DevTools' Fetch domain), the third goes through. --refuse-first: a name is
first sent without the consent an under-16 needs, then taken out. --idle: types a name, waits for
the idle warning and the reset, and checks the form is empty. Waits are for a condition, within
30 s.

Prints JSON: {"pages": [{"url", "lang", "violations": [...]}], "finalUrl", "weight": {"bytes",
"gzip", "resources"}, "kiosk": {...}}, and saves a screenshot of the last page as OUTDIR/done.png.

usage: flow-check.py URL WIDTH HEIGHT OUTDIR --age BAND [--name NAME] [--province P] [--consent]
       [--lang en] [--no-script] [--axe axe.min.js] [--kiosk ID TOKEN [--offline] [--refuse-first] [--idle]]
Exit status 3 when Chromium or the websocket-client module is missing."""
import argparse, gzip, json, os, sys, time

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
parser.add_argument("--kiosk", nargs=2, metavar=("ID", "TOKEN"))
parser.add_argument("--offline", action="store_true")
parser.add_argument("--refuse-first", action="store_true")
parser.add_argument("--idle", action="store_true")
options = parser.parse_args()
swapped_by_script = bool(options.kiosk) and not options.no_script
kiosk = {}

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


def wait_until(expression, seconds=30):
    """The value of `expression` once truthy, polled within `seconds` (a condition, not a sleep)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = browser.evaluate(expression)
        if value:
            return value
        time.sleep(0.05)
    raise SystemExit(f"not within {seconds} s: {expression}")


def advanced():
    """The next page: a page load, or in the kiosk mode with its script the answer put in place."""
    if swapped_by_script:
        advanced.swaps += 1
        wait_until(f"Number(document.documentElement.dataset.swaps) >= {advanced.swaps}")
        record()
    else:
        loaded()


advanced.swaps = 0


def loaded():
    """Waits for the next page load, then records it (``record``)."""
    browser.wait_for("Page.loadEventFired")
    record()


def record():
    """Weighs the page's resources, records it, checks it with axe."""
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
    if options.kiosk:
        # The organizer's setup, once per tablet; then the form.
        browser.call("DOM.focus", nodeId=node("#kiosk"))
        browser.call("Input.insertText", text=options.kiosk[0])
        browser.call("DOM.focus", nodeId=node("#token"))
        browser.call("Input.insertText", text=options.kiosk[1])
        tap('button[type="submit"]')
        loaded()
        kiosk["history"] = browser.evaluate("history.length")
    if options.idle:
        browser.call("DOM.focus", nodeId=node("#name"))
        browser.call("Input.insertText", text=options.name)
        browser.events = [e for e in browser.events if e.get("method") != "Page.loadEventFired"]
        kiosk["warning"] = wait_until("!document.getElementById('idle').hidden && document.getElementById('idle').textContent")
        record()  # the page with its warning, checked by axe too
        loaded()
        kiosk["afterIdle"] = {"url": pages[-1]["url"], "name": browser.evaluate("document.getElementById('name').value"),
                              "nameInPage": browser.evaluate(f"document.documentElement.outerHTML.includes({json.dumps(options.name)})"),
                              "history": browser.evaluate("history.length")}
        print(json.dumps({"pages": pages, "finalUrl": pages[-1]["url"], "weight": weight, "kiosk": kiosk}))
        raise SystemExit(0)
    if options.lang != pages[-1]["lang"]:
        tap(".lang button")
        advanced()
    if options.refuse_first:
        browser.call("DOM.focus", nodeId=node("#name"))
        browser.call("Input.insertText", text=options.name or "Vũ Hải Yến")
        tap(f'input[name="ageBand"][value="{options.age}"]')
        tap('button[value="review"]')
        advanced()
        kiosk["refused"] = browser.evaluate("(document.getElementById('problem') || {}).textContent || ''")
        browser.evaluate("document.getElementById('name').value = ''")
    if options.name and not options.refuse_first:
        browser.call("DOM.focus", nodeId=node("#name"))
        browser.call("Input.insertText", text=options.name)
    tap(f'input[name="ageBand"][value="{options.age}"]')
    if options.province:
        browser.call("DOM.setAttributeValue", nodeId=node(f'#province option[value="{options.province}"]'),
                     name="selected", value="")
    if options.consent:
        tap('input[name="consent"]')
    tap('button[value="review"]')
    advanced()
    if options.offline:
        # 1. The service cannot be reached: the page says so, keeps the draft, says nothing is done.
        conditions = {"latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
        browser.call("Network.emulateNetworkConditions", offline=True, **conditions)
        tap('button[value="sign"]')
        wait_until("document.documentElement.dataset.state === 'offline'")
        state = "({said: !document.getElementById('offline').hidden, done: document.body.hasAttribute('data-done'),"
        state += " kept: !!document.querySelector('button[value=sign]') && document.querySelector('input[name=name]').value,"
        state += " tries: Number(document.documentElement.dataset.tries)})"
        kiosk["offline"] = browser.evaluate(state)
        record()
        # 2. The service records the pledge, but its answer is lost on the way back.
        browser.call("Fetch.enable", patterns=[{"urlPattern": "*/tablet*", "requestStage": "Response"}])
        browser.call("Network.emulateNetworkConditions", offline=False, **conditions)
        paused = browser.wait_for("Fetch.requestPaused")["params"]
        kiosk["lostAnswer"] = paused.get("responseStatusCode")
        tries = browser.evaluate("Number(document.documentElement.dataset.tries)")
        browser.call("Fetch.failRequest", requestId=paused["requestId"], errorReason="ConnectionReset")
        browser.call("Fetch.disable")
        wait_until(f"Number(document.documentElement.dataset.tries) > {tries}")
        kiosk["answerLost"] = browser.evaluate(state)
        # 3. Sent again with the same idempotency key: the same pledge, now acknowledged.
        advanced.swaps += 1
        wait_until(f"Number(document.documentElement.dataset.swaps) >= {advanced.swaps}")
        record()
    else:
        tap('button[value="sign"]')
        advanced()
    if options.kiosk:
        kiosk["done"] = browser.evaluate("document.body.getAttribute('data-done')")
        if swapped_by_script:
            wait_until("document.querySelector('img').complete && document.querySelector('img').naturalWidth > 0")
    browser.screenshot(os.path.join(options.outdir, "done.png"))
    final = pages[-1]["url"]
    if options.kiosk:
        # The code the last screen shows; then the next signer's fresh start.
        final = "/c/" + kiosk["done"]
        flow_weight = json.loads(json.dumps(weight))  # the next signer's start is not part of the flow
        tap("#next")
        loaded()
        kiosk["fresh"] = {"url": pages[-1]["url"], "name": browser.evaluate("document.getElementById('name').value"),
                          "history": browser.evaluate("history.length")}
        if options.name:
            kiosk["fresh"]["nameInPage"] = browser.evaluate(
                f"document.documentElement.outerHTML.includes({json.dumps(options.name)})")
    print(json.dumps({"pages": pages, "finalUrl": final, "weight": flow_weight if options.kiosk else weight,
                      "kiosk": kiosk}))
finally:
    browser.close()
