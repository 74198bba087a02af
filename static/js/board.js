// The board dashboard's charts, drawn with Chart.js from the JSON the page carries in #board-data.
// No inline script or style: the Content Security Policy forbids them. Each canvas has its text
// alternative in the page itself (an aria-label summary and a visually hidden table), so a chart
// that fails to draw loses nothing but the picture.
(function () {
  "use strict";

  const source = document.getElementById("board-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  const Chart = window.Chart;
  const data = JSON.parse(source.textContent);
  const colours = {
    blue: "#0d6efd",
    blueFill: "rgba(13, 110, 253, 0.15)",
    green: "#198754",
    red: "#dc3545",
    grey: "#6c757d",
    teal: "#20c997",
  };

  if (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
    Chart.defaults.animation = false;
  }
  Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;

  function axis(title, options) {
    return Object.assign({ title: { display: Boolean(title), text: title } }, options || {});
  }

  // Counts are whole numbers: no 0.5 ticks.
  const countAxis = (title) => axis(title, { beginAtZero: true, ticks: { precision: 0 } });

  function draw(id, config) {
    const canvas = document.getElementById(id);
    if (canvas) {
      new Chart(canvas, config);
    }
  }

  const signing = data.signing;
  const single = signing.labels.length < 2; // one day only: show the point, a line needs two
  draw("chart-signing", {
    type: "line",
    data: {
      labels: signing.labels,
      datasets: [
        {
          label: signing.series,
          data: signing.cumulative,
          borderColor: colours.blue,
          backgroundColor: colours.blueFill,
          fill: true,
          pointRadius: single ? 4 : 0,
          stepped: true,
        },
        {
          label: signing.required_series,
          data: signing.labels.map(() => signing.required),
          borderColor: colours.grey,
          borderDash: [6, 4],
          pointRadius: 0,
          fill: false,
        },
      ],
    },
    options: {
      interaction: { mode: "index", intersect: false },
      scales: { x: axis(signing.x_title), y: countAxis(signing.y_title) },
    },
  });

  const scores = data.scores;
  draw("chart-scores", {
    type: "bar",
    data: {
      labels: scores.labels,
      datasets: [{ label: scores.series, data: scores.counts, backgroundColor: colours.teal }],
    },
    options: {
      plugins: { legend: { display: false } },
      scales: { x: axis(scores.x_title), y: countAxis(scores.y_title) },
    },
  });

  const awards = data.awards;
  draw("chart-awards", {
    type: "bar",
    data: {
      labels: awards.labels,
      datasets: [
        { label: awards.proposed_series, data: awards.proposed, backgroundColor: colours.blue },
        { label: awards.passed_series, data: awards.passed, backgroundColor: colours.green },
        { label: awards.cut_series, data: awards.cut, backgroundColor: colours.red },
      ],
    },
    options: {
      scales: { x: axis(""), y: countAxis(awards.y_title) },
    },
  });
})();
