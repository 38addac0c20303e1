"""Headless Chromium over the DevTools protocol, for the page checks of the tests
(scripts/page-check.py, scripts/flow-check.py): start it, call methods, wait for events.

Exit status 3 from a script means Chromium or the websocket-client module is missing."""
import json, re, shutil, subprocess, sys, tempfile, time, urllib.request

try:
    import websocket
except ImportError as error:
    print(error, file=sys.stderr)
    sys.exit(3)


class Browser:
    """One headless Chromium with one page, `width`×`height` CSS pixels (a phone's when `mobile`)."""

    def __init__(self, width, height, mobile=True):
        browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if browser is None:
            print("chromium not found", file=sys.stderr)
            sys.exit(3)
        self.profile = tempfile.mkdtemp(prefix="page-check-")
        self.process = subprocess.Popen(
            [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
             "--remote-debugging-port=0", f"--user-data-dir={self.profile}", f"--window-size={width},{height}",
             "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        port = None
        deadline = time.time() + 30
        while port is None and time.time() < deadline:
            match = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", self.process.stderr.readline())
            if match:
                port = int(match.group(1))
        if port is None:
            self.close()
            raise SystemExit("Chromium did not start")
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = next(t for t in targets if t["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
        self.counter = 0
        self.events = []
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=mobile)
        self.call("Page.enable")

    def call(self, method, **params):
        """The result of `method`; events that arrive meanwhile are kept for `wait_for`."""
        self.counter += 1
        self.socket.send(json.dumps({"id": self.counter, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.counter:
                if "error" in message:
                    raise SystemExit(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def wait_for(self, event):
        """The next `event` (kept ones first)."""
        for index, message in enumerate(self.events):
            if message.get("method") == event:
                return self.events.pop(index)
        while True:
            message = json.loads(self.socket.recv())
            if message.get("method") == event:
                return message
            self.events.append(message)

    def evaluate(self, expression):
        """The value of a script expression (needs scripts enabled)."""
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def screenshot(self, path):
        import base64
        with open(path, "wb") as file:
            file.write(base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"]))

    def close(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)
