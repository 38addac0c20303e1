"use strict";
// The tablet kiosk mode (/tablet, issue 16): forms go by fetch, so the browser's history keeps
// nothing of a signer; an answer replaces the page. A submission that gets no answer (the service
// cannot be reached, or answers 5xx) is kept in memory only, said on the page and sent again
// every few seconds, with the same idempotency key, until it is answered: "done" is only ever
// the page the service sends after its 303, which follows the durable commit. Idle: a warning
// during the last seconds (data-countdown), then a fresh start (data-idle); never while a
// submission waits. State for tests: data-state (ready, sending, offline, done), data-swaps and
// data-tries on <html>.
(function () {
  var d = document, last = Date.now(), pending = null, inFlight = false, timer = null, swaps = 0, tries = 0;
  function seconds(name) { return Number(d.body.getAttribute("data-" + name)) || 0; }
  function show(id, on) { var e = d.getElementById(id); if (e) { e.hidden = !on; } }
  function mark() {
    var root = d.documentElement;
    root.setAttribute("data-state", pending ? (inFlight ? "sending" : "offline")
      : (d.body.hasAttribute("data-done") ? "done" : "ready"));
    root.setAttribute("data-swaps", swaps);
    root.setAttribute("data-tries", tries);
  }
  function fresh() { location.replace("/tablet"); }
  function touched() {
    last = Date.now();
    if (!d.body.hasAttribute("data-done")) { show("idle", false); }
  }
  ["pointerdown", "keydown", "input"].forEach(function (type) { d.addEventListener(type, touched, true); });
  setInterval(function () {
    if (pending) { return; }
    var left = seconds("idle") * 1000 - (Date.now() - last), idle = d.getElementById("idle");
    if (left <= 0) { fresh(); return; }
    if (idle && left <= seconds("countdown") * 1000) {
      idle.textContent = idle.getAttribute("data-text").replace("{seconds}", Math.ceil(left / 1000));
      idle.hidden = false;
    }
  }, 250);
  function swap(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    // Parsed without scripts, a <noscript> refresh would be live once inserted.
    Array.prototype.forEach.call(page.querySelectorAll("noscript"), function (n) { n.remove(); });
    d.replaceChild(d.adoptNode(page.documentElement), d.documentElement);
    swaps += 1;
    last = Date.now();
    window.scrollTo(0, 0);
    var focus = d.getElementById("problem") || d.querySelector("h1");
    if (focus) { focus.setAttribute("tabindex", "-1"); focus.focus(); }
  }
  function attempt() {
    if (inFlight || !pending) { return; }
    var sent = pending;
    inFlight = true;
    clearTimeout(timer);
    show("offline", false);
    show("sending", true);
    mark();
    fetch(sent.action, {
      method: "POST", body: sent.body, credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html" }
    }).then(function (response) {
      if (response.status >= 500) { throw new Error("HTTP " + response.status); }
      return response.text().then(function (html) {
        inFlight = false;
        pending = null;
        swap(html);
        mark();
      });
    }).catch(function () {
      inFlight = false;
      tries += 1;
      show("sending", false);
      show("offline", true);
      mark();
      timer = setTimeout(attempt, 3000);
    });
  }
  d.addEventListener("submit", function (event) {
    event.preventDefault();
    if (inFlight) { return; }
    var form = event.target;
    pending = { action: form.getAttribute("action"), body: new URLSearchParams(new FormData(form, event.submitter)).toString() };
    attempt();
  });
  d.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("#next")) { event.preventDefault(); fresh(); }
  });
  addEventListener("online", attempt);
  mark();
})();
