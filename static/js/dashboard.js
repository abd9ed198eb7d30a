/* Leaders' dashboard: draws the charts from the JSON the page carries (json_script).
   Every bar and slice carries the URL of the registrations (or unit) behind it; a click
   opens it. The numbers are also in the tables under each chart. */
(function () {
  "use strict";
  var source = document.getElementById("du-lieu-bieu-do");
  if (!source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var RED = "#b91c1c", AMBER = "#d97706", BLUE = "#1d4ed8", GREEN = "#15803d";
  var numberFormat = new Intl.NumberFormat("vi-VN");

  Chart.defaults.locale = "vi-VN";
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#343a40";
  Chart.defaults.maintainAspectRatio = false;
  // Short animations, none for readers who asked for less motion.
  Chart.defaults.animation.duration = window.matchMedia("(prefers-reduced-motion: reduce)").matches ? 0 : 300;

  function follow(urls) {
    return {
      onClick: function (event, elements, chart) {
        if (!elements.length) return;
        var element = elements[0];
        var list = Array.isArray(urls[0]) ? urls[element.datasetIndex] : urls;
        var url = list[element.index];
        if (url) window.location.href = url;
      },
      onHover: function (event, elements) {
        event.native.target.style.cursor = elements.length ? "pointer" : "default";
      },
    };
  }

  function merge(target, extra) {
    Object.keys(extra).forEach(function (key) { target[key] = extra[key]; });
    return target;
  }

  function tooltipLabel(context) {
    var label = context.dataset.label || context.label || "";
    var value = context.parsed && typeof context.parsed === "object" ? context.parsed[context.chart.options.indexAxis === "y" ? "x" : "y"] : context.parsed;
    return label + ": " + numberFormat.format(value);
  }

  function bar(id, series, color, options) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: series.labels,
        datasets: [{ label: canvas.getAttribute("data-label") || "", data: series.values, backgroundColor: color }],
      },
      options: merge(
        merge({
          // A click anywhere in a bar's row or column opens it: short and empty bars too.
          interaction: { mode: "index", intersect: false },
          plugins: { legend: { display: false }, tooltip: { callbacks: { label: tooltipLabel } } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        }, follow(series.urls)),
        options || {}
      ),
    });
  }

  function doughnut(id, series, colors) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    new Chart(canvas, {
      type: "doughnut",
      data: { labels: series.labels, datasets: [{ data: series.values, backgroundColor: colors }] },
      options: merge({ plugins: { legend: { position: "bottom" } } }, follow(series.urls)),
    });
  }

  bar("chart-by-field", data.by_field, [RED, AMBER, BLUE, GREEN]);
  doughnut("chart-status", data.status, [RED, AMBER]);
  doughnut("chart-kind", data.kind, [BLUE, GREEN]);

  var trendCanvas = document.getElementById("chart-trend");
  if (trendCanvas) {
    var colors = [RED, AMBER, GREEN];
    new Chart(trendCanvas, {
      type: "bar",
      data: {
        labels: data.trend.labels,
        datasets: data.trend.datasets.map(function (dataset, index) {
          return {
            label: dataset.label,
            data: dataset.values,
            backgroundColor: colors[index % colors.length],
            stack: dataset.key === "recognised" ? "recognised" : "registered",
          };
        }),
      },
      options: merge({
        plugins: { legend: { position: "bottom" }, tooltip: { callbacks: { label: tooltipLabel } } },
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      }, follow(data.trend.datasets.map(function (dataset) { return dataset.urls; }))),
    });
  }

  var unitCanvas = document.getElementById("chart-by-unit");
  if (unitCanvas) {
    var box = unitCanvas.parentElement;
    var rows = parseInt(box.getAttribute("data-rows"), 10) || 1;
    box.style.height = Math.max(160, rows * 26 + 50) + "px";
    bar("chart-by-unit", data.by_unit, RED, {
      indexAxis: "y",
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: { autoSkip: false } } },
    });
  }
})();
