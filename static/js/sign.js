// The signing page: a signature pad that survives resizing (a phone turned
// round), and the hidden field filled with the drawing as a PNG on submit.
(function () {
  "use strict";
  var form = document.getElementById("sign-form");
  var canvas = document.getElementById("signature-canvas");
  if (!form || !canvas || typeof SignaturePad === "undefined") { return; }
  var pad = new SignaturePad(canvas, { minWidth: 0.8, maxWidth: 2.6, penColor: "rgb(20, 40, 120)" });
  var drawArea = document.getElementById("draw-area");
  var hidden = form.querySelector("input[name=drawn]");

  function resize() {
    var strokes = pad.toData();
    var ratio = Math.max(window.devicePixelRatio || 1, 1);
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    pad.fromData(strokes);  // keep the drawing when the screen turns
  }

  function method() {
    var checked = form.querySelector("input[name=method]:checked");
    return checked ? checked.value : "drawn";
  }

  function showDrawArea() {
    drawArea.hidden = method() !== "drawn";
    if (!drawArea.hidden) { resize(); }
  }

  window.addEventListener("resize", resize);
  form.querySelectorAll("input[name=method]").forEach(function (input) {
    input.addEventListener("change", showDrawArea);
  });
  document.getElementById("clear-signature").addEventListener("click", function () { pad.clear(); });
  form.addEventListener("submit", function () {
    hidden.value = method() === "drawn" && !pad.isEmpty() ? pad.toDataURL("image/png") : "";
    form.querySelector("button[type=submit]").disabled = true;  // one tap, one signature
  });
  showDrawArea();
})();
