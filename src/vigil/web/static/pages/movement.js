// Movement map: where a network's or an identifier's ads appeared, city by city, with the route
// in time order; and the dashboard's ads and high-risk leads by country. Drawn offline on the
// vendored Natural Earth boundaries (no tile server). Data comes from data-* attributes and
// same-origin JSON (CSP: no inline scripts). data-ready is set once drawn, for the browser tests.
(function () {
  "use strict";

  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    });
  }

  function label(el, name, fallback) { return el.getAttribute("data-label-" + name) || fallback; }

  function geo(view) {
    return {
      map: "vigil-world", roam: true, silent: true, itemStyle: { areaColor: "#eef1f5", borderColor: "#98a2b3" },
      emphasis: { disabled: true }, boundingCoords: view
    };
  }

  // The box around the placed cities, padded, so a route in one region fills the frame.
  function frame(points) {
    if (!points.length) { return null; }
    var lons = points.map(function (p) { return p[0]; }), lats = points.map(function (p) { return p[1]; });
    var pad = 4;
    return [[Math.min.apply(null, lons) - pad, Math.max.apply(null, lats) + pad],
            [Math.max.apply(null, lons) + pad, Math.min.apply(null, lats) - pad]];
  }

  function drawMovement(el, data) {
    var cities = data.cities || [], route = data.route || [];
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var ads = label(el, "ads", "ads");
    var points = cities.map(function (c) { return [c.lon, c.lat]; });
    var legs = [];
    for (var i = 1; i < route.length; i++) {
      legs.push({ coords: [[route[i - 1].lon, route[i - 1].lat], [route[i].lon, route[i].lat]],
                  name: route[i - 1].city + " → " + route[i].city });
    }
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item", renderMode: "richText" },
      geo: geo(frame(points)),
      series: [
        { type: "lines", coordinateSystem: "geo", data: legs, symbol: ["none", "arrow"], symbolSize: 8,
          lineStyle: { color: "#b42318", width: 2, opacity: 0.8, curveness: 0.15 } },
        { type: "scatter", coordinateSystem: "geo", itemStyle: { color: "#1f5fa8" },
          symbolSize: function (value) { return Math.min(28, 8 + 3 * Math.sqrt(value[2])); },
          label: { show: true, position: "right", formatter: function (p) { return p.name; } },
          tooltip: { formatter: function (p) {
            var c = cities[p.dataIndex];
            return c.city + " (" + c.country + "): " + c.ads + " " + ads + "\n" +
              (c.first_seen || "").slice(0, 10) + " – " + (c.last_seen || "").slice(0, 10);
          } },
          data: cities.map(function (c) { return { name: c.city, value: [c.lon, c.lat, c.ads] }; }) }
      ]
    });
    var unplaced = data.unplaced || {}, unknown = unplaced.unknown || {};
    var missing = (unplaced.no_place || 0) + Object.keys(unknown).reduce(function (n, k) { return n + unknown[k]; }, 0);
    var note = document.getElementById(el.id + "-note");
    if (note && missing) { note.textContent = label(el, "unplaced", "Ads not on the map") + ": " + missing; }
    el.setAttribute("data-ready", String(cities.length));
    window.vigilCharts.followWindow(el, chart);
  }

  function drawCountries(el, data) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var rows = data.countries || [];
    var most = rows.reduce(function (n, r) { return Math.max(n, r.ads); }, 1);
    var high = label(el, "high", "high-risk");
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item", renderMode: "richText", formatter: function (p) {
        var r = p.data;
        return r ? r.name + ": " + r.value + " " + label(el, "ads", "ads") + ", " + r.high + " " + high : p.name;
      } },
      visualMap: { min: 0, max: most, left: 8, bottom: 8, calculable: false, inRange: { color: ["#dbe7f6", "#1f5fa8"] } },
      series: [{ type: "map", map: "vigil-world", roam: true, emphasis: { label: { show: false } },
                 itemStyle: { areaColor: "#eef1f5", borderColor: "#98a2b3" },
                 data: rows.map(function (r) { return { name: r.country, value: r.ads, high: r.high }; }) }]
    });
    el.setAttribute("data-ready", String(rows.length));
    window.vigilCharts.followWindow(el, chart);
  }

  function start() {
    if (typeof echarts === "undefined") { return; }
    var movement = document.getElementById("movement-map");
    var countries = document.getElementById("country-map");
    var el = movement || countries;
    if (!el) { return; }
    getJson(el.getAttribute("data-world")).then(function (world) {
      echarts.registerMap("vigil-world", world);
      if (movement) {
        return getJson(movement.getAttribute("data-url")).then(function (data) { drawMovement(movement, data); });
      }
      var data;
      try { data = JSON.parse(countries.getAttribute("data-series") || "null"); } catch (e) { data = null; }
      if (data) { drawCountries(countries, data); }
    }).catch(function () { el.setAttribute("data-ready", "error"); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
