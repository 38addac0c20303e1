"use strict";
(function () {
  function vn(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "."); }
  // The phones' QR and code in the corner: renewed when the presence code changes (every 5 minutes).
  var qr = document.getElementById("presence-qr");
  if (qr) {
    setInterval(function () {
      fetch("/api/kiosk-config").then(function (answer) { return answer.json(); }).then(function (config) {
        var code = (config.presenceLink || "").split("/").pop();
        var shown = document.getElementById("presence-code");
        if (!code || shown.textContent === code) { return; }
        qr.src = "/presence/qr.svg?c=" + encodeURIComponent(code);
        shown.textContent = code;
      }).catch(function () {});
    }, 20000);
  }
  var source = new EventSource("/live/events");
  source.addEventListener("count", function (message) {
    var data = JSON.parse(message.data);
    document.getElementById("total").textContent = vn(data.total);
    var list = document.getElementById("events");
    list.textContent = "";
    if (data.events.length < 2) { return; }
    data.events.forEach(function (event) {
      var item = document.createElement("li");
      var number = document.createElement("span");
      number.className = "n";
      number.textContent = vn(event.count);
      item.appendChild(number);
      item.appendChild(document.createTextNode(" " + event.eventID));
      list.appendChild(item);
    });
  });
})();
