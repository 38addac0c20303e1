"use strict";
(function () {
  function vn(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "."); }
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
