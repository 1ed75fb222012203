// API documentation page: starts Swagger UI on the app's OpenAPI document. Settings come from
// data-* attributes (CSP: no inline scripts). Changes made with "Try it out" from this page
// carry the session's CSRF token, as every other page's forms do.
(function () {
  "use strict";

  function start() {
    var el = document.getElementById("swagger-ui");
    if (!el || typeof SwaggerUIBundle === "undefined") { return; }
    var csrfHeader = el.getAttribute("data-csrf-header");
    var csrfToken = el.getAttribute("data-csrf-token");
    SwaggerUIBundle({
      url: el.getAttribute("data-openapi-url"),
      domNode: el,
      deepLinking: true,
      // No call to an outside validator: the page only talks to this server.
      validatorUrl: null,
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
      requestInterceptor: function (request) {
        var sameOrigin = new URL(request.url, window.location.href).origin === window.location.origin;
        var unsafe = ["GET", "HEAD", "OPTIONS"].indexOf((request.method || "GET").toUpperCase()) < 0;
        if (sameOrigin && unsafe && csrfHeader && csrfToken) { request.headers[csrfHeader] = csrfToken; }
        return request;
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
