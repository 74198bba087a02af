// The signing page: a signature pad that survives resizing (a phone turned round) and a refused
// submit (the drawing comes back from the server), the hidden field filled with the drawing as a
// PNG on submit, the typed-name preview shown for that choice, and the error summary focused.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  var form = document.getElementById("sign-form");
  var canvas = document.getElementById("signature-canvas");
  if (!form || !canvas || typeof SignaturePad === "undefined") { return; }
  var pad = new SignaturePad(canvas, { minWidth: 0.8, maxWidth: 2.6, penColor: "rgb(20, 40, 120)" });
  var drawArea = document.getElementById("draw-area");
  var typedArea = document.getElementById("typed-area");
  var hidden = form.querySelector("input[name=drawn]");
  var restored = hidden.value.indexOf("data:image/png;base64,") === 0 ? hidden.value : "";

  function resize() {
    var strokes = pad.toData();
    var ratio = Math.max(window.devicePixelRatio || 1, 1);
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    if (strokes.length) {
      pad.fromData(strokes);  // keep the drawing when the screen turns
    } else if (restored) {
      // The drawing sent with a refused form: drawn again at the pad's size.
      pad.fromDataURL(restored, { width: canvas.offsetWidth, height: canvas.offsetHeight });
    }
  }

  function method() {
    var checked = form.querySelector("input[name=method]:checked");
    return checked ? checked.value : "drawn";
  }

  function showAreas() {
    drawArea.hidden = method() !== "drawn";
    if (typedArea) { typedArea.hidden = method() !== "typed"; }
    if (!drawArea.hidden) { resize(); }
  }

  window.addEventListener("resize", resize);
  form.querySelectorAll("input[name=method]").forEach(function (input) {
    input.addEventListener("change", showAreas);
  });
  document.getElementById("clear-signature").addEventListener("click", function () {
    restored = "";
    pad.clear();
  });
  form.addEventListener("submit", function () {
    if (method() === "drawn") {
      hidden.value = !pad.isEmpty() ? pad.toDataURL("image/png") : restored;
    } else {
      hidden.value = "";
    }
    form.querySelector("button[type=submit]").disabled = true;  // one tap, one signature
  });
  showAreas();
})();
