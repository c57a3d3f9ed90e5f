// The modems page: fetch fresh cards every few seconds and put them in place, without a reload.
// The server renders them (same template as the page), so this file holds no markup.
(function () {
  "use strict";
  var box = document.getElementById("modems");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-refresh");
  var every = parseInt(box.getAttribute("data-every"), 10) || 5000;
  var busy = false;

  function refresh() {
    if (busy || document.hidden) return;
    busy = true;
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (response.redirected || response.status === 401 || response.status === 403) {
          window.location.reload(); // logged out meanwhile: let the page go to the login
          return null;
        }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        if (html === null) return;
        box.innerHTML = html;
        box.classList.remove("offline");
      })
      .catch(function () {
        box.classList.add("offline"); // the panel is unreachable: show the cards as stale
      })
      .then(function () {
        busy = false;
      });
  }

  setInterval(refresh, every);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) refresh();
  });
})();
