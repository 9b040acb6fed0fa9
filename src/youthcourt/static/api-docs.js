// The partner API's reference page: Swagger UI reading the API's OpenAPI document.
// A file of its own, so the page keeps the app's Content-Security-Policy (no inline script).
window.addEventListener("DOMContentLoaded", function () {
  var target = document.getElementById("api-reference");
  window.SwaggerUIBundle({
    url: target.dataset.schemaUrl,
    dom_id: "#api-reference",
    deepLinking: true,
    tryItOutEnabled: false,
    // "Try it out" sends the key, never this browser's session cookie, which the API refuses.
    requestInterceptor: function (request) {
      request.credentials = "omit";
      return request;
    },
  });
});
