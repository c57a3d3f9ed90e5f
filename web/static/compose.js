// The compose counter: ask the server how the driver will cut the text (modem.pdu.count),
// a moment after typing stops, and say it in the same words as templates/_counter.html.
(function () {
  "use strict";
  var text = document.getElementById("text");
  var out = document.getElementById("counter");
  var token = document.querySelector('input[name="csrf_token"]');
  if (!text || !out || !token || !window.fetch) return;
  var url = text.getAttribute("data-count");
  var timer = null;
  var asked = 0;

  function words(count) {
    if (count.parts === 0) return "Empty";
    var said = count.parts + " SMS · " + count.left + " characters left · " +
      (count.encoding === "gsm7" ? "GSM-7" : "Unicode (UCS-2)");
    if (count.parts > count.max_parts) said += " · too long: at most " + count.max_parts + " SMS";
    return said;
  }

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
        if (count && mine === asked) out.textContent = words(count); // the latest answer only
      })
      .catch(function () { /* keep the last count; the server checks again on submit */ });
  }

  text.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 200);
  });
})();
