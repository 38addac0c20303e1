#!/usr/bin/env python3
"""Opens a page in headless Chromium at a phone's size over the DevTools protocol, saves a
screenshot and prints what the tests check as JSON:
{"scrollWidth", "clientWidth", "innerWidth", "lang"}.

usage: page-check.py URL WIDTH HEIGHT SCREENSHOT.png
Exit status 3 when Chromium or the websocket-client module is missing."""
import os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "browser"))
from cdp import Browser

url, width, height, screenshot = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
browser = Browser(width, height)
try:
    browser.call("Page.navigate", url=url)
    browser.wait_for("Page.loadEventFired")
    print(browser.evaluate(
        "JSON.stringify({scrollWidth: document.documentElement.scrollWidth,"
        " clientWidth: document.documentElement.clientWidth, innerWidth: window.innerWidth,"
        " lang: document.documentElement.lang})"))
    browser.screenshot(screenshot)
finally:
    browser.close()
