// The partner API's reference page: Swagger UI reading the API's OpenAPI document.
// A file of its own, so the page keeps the app's Content-Security-Policy (no inline script).
window.addEventListener("DOMContentLoaded", function () {
  var target = document.getElementById("api-reference");
  window.SwaggerUIBundle({
    url: target.dataset.schemaUrl,
    dom_id: "#api-reference",
    deepLinking: true,
    tryItOutEnabled: false,
  });
});
