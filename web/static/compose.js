// The compose counter: ask the server how the driver will cut the text (modem.pdu.count),
// a moment after typing stops, and show the words it sends (templates/_counter.html, in the
// reader's language).
(function () {
  "use strict";
  var text = document.getElementById("text");
  var out = document.getElementById("counter");
  var token = document.querySelector('input[name="csrf_token"]');
  if (!text || !out || !token || !window.fetch) return;
  var url = text.getAttribute("data-count");
  var timer = null;
  var asked = 0;

  function ask() {
    var mine = ++asked;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token.value },
      body: JSON.stringify({ text: text.value })
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (count) {
        if (count && mine === asked) out.textContent = count.words; // the latest answer only
      })
      .catch(function () { /* keep the last count; the server checks again on submit */ });
  }

  text.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 200);
  });
})();
