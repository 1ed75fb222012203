// Trends page: one segment's counts per period with expected counts, change-point levels and
// the alert periods shaded (ECharts markArea). Data comes from data-* attributes (CSP: no inline scripts).
(function () {
  "use strict";

  function draw() {
    var el = document.getElementById("trend-chart");
    if (!el || typeof echarts === "undefined") { return; }
    var data;
    try { data = JSON.parse(el.getAttribute("data-series") || "null"); } catch (e) { data = null; }
    if (!data) { return; }
    var label = function (name, fallback) { return el.getAttribute("data-label-" + name) || fallback; };
    var areas = (data.alerts || []).map(function (period) {
      return [{ xAxis: period, name: label("alert", "alert") }, { xAxis: period }];
    });
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 16, top: 36, bottom: 48 },
      legend: { top: 0 },
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: { type: "category", data: data.periods, boundaryGap: true },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { type: "bar", name: label("count", "documents"), data: data.count, itemStyle: { color: "#1f5fa8" },
          markArea: { silent: true, itemStyle: { color: "rgba(180, 35, 24, 0.18)" }, label: { color: "#b42318" }, data: areas } },
        { type: "line", name: label("expected", "expected"), data: data.expected, symbol: "none",
          lineStyle: { type: "dashed", color: "#667085" }, itemStyle: { color: "#667085" } },
        { type: "line", name: label("level", "level"), data: data.level, symbol: "none", step: "middle",
          lineStyle: { color: "#b54708" }, itemStyle: { color: "#b54708" } }
      ]
    });
    el.setAttribute("data-ready", String(areas.length));
    window.vigilCharts.followWindow(el, chart);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
