"use strict";
(function () {
  function vn(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "."); }
  // As LivePage.placeLabel writes them.
  var places = { other: "Nơi khác · Elsewhere", online: "Trực tuyến · Online" };
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
    // The hub's lines: pledges by place (a province, online, or small places merged as other).
    var lines = data.provinces ? data.provinces.map(function (place) {
      return { count: place.count, label: places[place.province] || place.province };
    }) : data.events.length < 2 ? [] : data.events.map(function (event) {
      return { count: event.count, label: event.eventID };
    });
    lines.forEach(function (line) {
      var item = document.createElement("li");
      var number = document.createElement("span");
      number.className = "n";
      number.textContent = vn(line.count);
      item.appendChild(number);
      item.appendChild(document.createTextNode(" " + line.label));
      list.appendChild(item);
    });
  });
})();
