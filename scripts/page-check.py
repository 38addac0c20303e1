#!/usr/bin/env python3
"""Opens a page in headless Chromium at a phone's size over the DevTools protocol, saves a
screenshot and prints what the tests check as JSON:
{"scrollWidth", "clientWidth", "innerWidth", "lang"}.

usage: page-check.py URL WIDTH HEIGHT SCREENSHOT.png
Exit status 3 when Chromium or the websocket-client module is missing."""
import base64, json, os, re, shutil, subprocess, sys, tempfile, time, urllib.request

try:
    import websocket
except ImportError as error:
    print(error, file=sys.stderr)
    sys.exit(3)

url, width, height, screenshot = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
if browser is None:
    print("chromium not found", file=sys.stderr)
    sys.exit(3)
profile = tempfile.mkdtemp(prefix="page-check-")
process = subprocess.Popen(
    [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
     "--remote-debugging-port=0", f"--user-data-dir={profile}", f"--window-size={width},{height}", "about:blank"],
    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
try:
    port = None
    deadline = time.time() + 30
    while port is None and time.time() < deadline:
        line = process.stderr.readline()
        match = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
        if match:
            port = int(match.group(1))
    if port is None:
        raise SystemExit("Chromium did not start")
    targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
    page = next(t for t in targets if t["type"] == "page")
    socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
    counter = [0]

    def call(method, **params):
        counter[0] += 1
        socket.send(json.dumps({"id": counter[0], "method": method, "params": params}))
        while True:
            message = json.loads(socket.recv())
            if message.get("id") == counter[0]:
                if "error" in message:
                    raise SystemExit(f"{method}: {message['error']}")
                return message.get("result", {})

    def wait_for(event):
        while True:
            message = json.loads(socket.recv())
            if message.get("method") == event:
                return message

    call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=True)
    call("Page.enable")
    call("Page.navigate", url=url)
    wait_for("Page.loadEventFired")
    result = call("Runtime.evaluate", returnByValue=True, expression=(
        "JSON.stringify({scrollWidth: document.documentElement.scrollWidth,"
        " clientWidth: document.documentElement.clientWidth, innerWidth: window.innerWidth,"
        " lang: document.documentElement.lang})"))
    shot = call("Page.captureScreenshot", format="png")
    with open(screenshot, "wb") as file:
        file.write(base64.b64decode(shot["data"]))
    print(result["result"]["value"])
finally:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    shutil.rmtree(profile, ignore_errors=True)
