// Live preview of a module's lesson while the analyst types (authoring page).
// The server renders and sanitises the Markdown exactly as learners will see it;
// without this script the "Preview" button renders the same preview on submit.
(function () {
  "use strict";

  var body = document.querySelector("textarea[data-preview-url]");
  if (!body || !window.fetch) {
    return;
  }
  var region = document.getElementById(body.getAttribute("data-preview-target"));
  var count = document.getElementById(body.getAttribute("data-count-target"));
  var token = body.form && body.form.querySelector("input[name=csrf_token]");
  var timer = null;
  var latest = 0;

  function refresh() {
    var ticket = ++latest;
    var headers = { "Content-Type": "application/json", Accept: "application/json" };
    if (token) {
      headers["X-CSRFToken"] = token.value;
    }
    fetch(body.getAttribute("data-preview-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: headers,
      body: JSON.stringify({ markdown: body.value }),
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("preview refused: " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (ticket !== latest) {
          return; // an older answer arriving late must not replace a newer one
        }
        region.innerHTML = data.html; // rendered and sanitised by the server
        if (count) {
          count.textContent = data.summary;
        }
      })
      .catch(function () {
        // Keep the last preview: the Preview button still renders one on the server.
      });
  }

  body.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 500);
  });
})();
