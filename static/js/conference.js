// The conference screen: ask the server every few seconds who has signed, and
// update the list in place. No inline code: the Content Security Policy forbids it.
(function () {
  "use strict";
  var root = document.getElementById("conference");
  if (!root) { return; }
  var source = root.getAttribute("data-src");
  var count = document.getElementById("signed-count");
  var banner = document.getElementById("completed-banner");

  function render(data) {
    count.textContent = String(data.signed);
    data.units.forEach(function (unit) {
      var item = root.querySelector('[data-unit="' + unit.unit + '"]');
      if (!item) { return; }
      item.classList.toggle("is-signed", unit.signed);
      item.querySelector(".unit-state").textContent = unit.state;
    });
    if (data.status === "completed") { banner.hidden = false; }
    return data.status;
  }

  function poll() {
    fetch(source, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        var status = data ? render(data) : null;
        if (status !== "completed" && status !== "cancelled") { window.setTimeout(poll, 3000); }
      })
      .catch(function () { window.setTimeout(poll, 10000); });  // the room's network hiccups
  }

  window.setTimeout(poll, 3000);
})();
