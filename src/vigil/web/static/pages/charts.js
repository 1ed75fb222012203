// What every chart page shares (loaded before movement.js, network.js and trends.js).
(function () {
  "use strict";

  // Resize a chart with the window, but not while it has no area: a window shrunk to nothing
  // (a browser taking a full-page screenshot does this for a moment) leaves the element 0
  // pixels wide, and ECharts' map layout throws on a zero-sized view.
  function followWindow(el, chart) {
    window.addEventListener("resize", function () {
      if (el.clientWidth > 0 && el.clientHeight > 0 && !chart.isDisposed()) { chart.resize(); }
    });
  }

  window.vigilCharts = { followWindow: followWindow };
})();
