// Network page: the Cytoscape graph of ads and shared identifiers, and the ECharts timeline
// and cities-over-time charts. Data comes from data-* attributes (no inline scripts: CSP).
(function () {
  "use strict";

  function readJson(el, name) {
    try { return JSON.parse(el.getAttribute(name) || "null"); } catch (e) { return null; }
  }

  var LEVEL_COLOURS = { high: "#b42318", medium: "#b54708", low: "#1f5fa8", none: "#1f5fa8" };

  function drawGraph() {
    var el = document.getElementById("network-graph");
    if (!el || typeof cytoscape !== "function") { return; }
    var elements = readJson(el, "data-elements") || { nodes: [], edges: [] };
    var cy = cytoscape({
      container: el,
      elements: elements,
      maxZoom: 1.6,
      style: [
        { selector: "node[type = 'ad']", style: {
          "background-color": function (n) { return LEVEL_COLOURS[n.data("level")] || LEVEL_COLOURS.none; },
          "label": "data(label)", "color": "#1b1f24", "width": 16, "height": 16,
          "text-valign": "bottom", "text-margin-y": 3 } },
        // Labels readable over edges and at a distance: a white halo, wrapped and cut, and hidden
        // when zoomed out too far to read (the tooltip-free graph keeps its ids in the table below).
        { selector: "node", style: {
          "font-size": 11, "text-outline-color": "#ffffff", "text-outline-width": 2, "min-zoomed-font-size": 7,
          "text-wrap": "ellipsis", "text-max-width": 120 } },
        { selector: "node[type = 'identifier']", style: {
          "shape": "diamond", "background-color": "#067647", "label": "data(label)",
          "color": "#067647", "width": function (n) { return 14 + 3 * Math.min(10, n.data("count") || 2); },
          "height": function (n) { return 14 + 3 * Math.min(10, n.data("count") || 2); },
          "text-valign": "top", "text-margin-y": -3 } },
        { selector: "node[type = 'identifier']", style: { "font-size": 11, "text-outline-color": "#ffffff", "text-outline-width": 2 } },
        { selector: "edge[type = 'shares']", style: { "width": 1.2, "line-color": "#98a2b3" } },
        { selector: "edge[type = 'template']", style: { "width": 1.5, "line-color": "#7a5af8", "line-style": "dashed" } },
        { selector: ":selected", style: { "border-width": 3, "border-color": "#f5b800" } }
      ],
      layout: { name: elements.nodes.length > 150 ? "concentric" : "cose", animate: false, padding: 20,
                nodeRepulsion: function () { return 40000; }, idealEdgeLength: function () { return 110; },
                nodeOverlap: 20, componentSpacing: 80 }
    });
    cy.on("tap", "node[type = 'ad']", function (evt) {
      var href = evt.target.data("href");
      if (href) { window.location.assign(href); }
    });
    el.setAttribute("data-ready", String(cy.nodes().length));
  }

  function drawTimeline() {
    var el = document.getElementById("network-timeline");
    if (!el || typeof echarts === "undefined") { return; }
    var data = readJson(el, "data-series") || { days: [], ads: [] };
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 40, right: 16, top: 16, bottom: 40 },
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: { type: "category", data: data.days },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", name: el.getAttribute("data-label") || "", data: data.ads, itemStyle: { color: "#1f5fa8" } }]
    });
    el.setAttribute("data-ready", "1");
    window.vigilCharts.followWindow(el, chart);
  }

  function drawCities() {
    var el = document.getElementById("network-cities");
    if (!el || typeof echarts === "undefined") { return; }
    var data = readJson(el, "data-series") || { days: [], cities: [], sightings: [] };
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 110, right: 16, top: 16, bottom: 40 },
      tooltip: { trigger: "item", renderMode: "richText", formatter: function (p) { return p.value[0] + " · " + p.value[1]; } },
      xAxis: { type: "category", data: data.days },
      yAxis: { type: "category", data: data.cities },
      series: [{ type: "scatter", symbolSize: 12, data: data.sightings, itemStyle: { color: "#067647" } }]
    });
    el.setAttribute("data-ready", "1");
    window.vigilCharts.followWindow(el, chart);
  }

  function start() { drawGraph(); drawTimeline(); drawCities(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
