// The live preview of a campaign's text: a moment after typing stops, ask /campaigns/preview
// (operations.preview on the server) how the text reads for the first contacts of the audience,
// and show it in the same markup as templates/_campaign_preview.html. Text goes in through
// textContent only: a contact's name or a text is never markup. Without this script the
// "Preview" buttons post the form and the page comes back with the same preview.
(function () {
  "use strict";
  if (!window.fetch) return;
  var DRAFT = ["name", "text", "tags", "field_name", "field_value"];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function list(className, items) {
    var ul = el("ul", className);
    items.forEach(function (item) { ul.appendChild(el("li", null, item)); });
    return ul;
  }

  function cost(p) {
    var gsm = p.encoding === "gsm7";
    return p.parts + " SMS · " + (gsm ? "GSM-7" : "Unicode (UCS-2)") + " · " + p.units + " " +
      (gsm ? "characters" : "UTF-16 units");
  }

  function show(out, data, audience) {
    out.textContent = "";
    if (data.error !== undefined) {
      out.appendChild(list("problems", [data.field + ": " + data.error]));
      return;
    }
    if (audience) {
      var people = data.audience === 1 ? "person" : "people";
      var line = el("p", "audience", "Audience: ");
      line.appendChild(el("strong", "audience-size", String(data.audience)));
      line.appendChild(document.createTextNode(" " + people + (data.previews.length ?
        "; the text for the first " + data.previews.length + ":" : ".")));
      out.appendChild(line);
    } else {
      out.appendChild(el("p", "audience",
        "The text for the first contacts of the campaign (who receives it is said above):"));
    }
    if (data.problems.length) out.appendChild(list("problems", data.problems));
    if (data.warnings.length) out.appendChild(list("warnings", data.warnings));
    var ol = el("ol", "previews");
    data.previews.forEach(function (p) {
      var li = el("li");
      li.appendChild(el("span", "who", p.contact));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", "muted cost", cost(p)));
      li.appendChild(el("p", "text", p.text));
      ol.appendChild(li);
    });
    out.appendChild(ol);
  }

  function watch(form) {
    var url = form.getAttribute("data-preview");
    var campaign = form.getAttribute("data-campaign");
    var audience = form.getAttribute("data-audience") !== "none";
    var token = form.querySelector('input[name="csrf_token"]');
    var out = form.querySelector(".live-preview");
    var text = form.querySelector('textarea[name="text"]');
    if (!url || !token || !out || !text) return;
    var timer = null;
    var asked = 0;

    function body() {
      if (campaign) return { campaign: parseInt(campaign, 10), text: text.value };
      var typed = {};
      DRAFT.forEach(function (name) {
        var input = form.elements.namedItem(name);
        if (input && typeof input.value === "string") typed[name] = input.value;
      });
      return typed;
    }

    function ask() {
      var mine = ++asked;
      out.setAttribute("aria-busy", "true");
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token.value },
        body: JSON.stringify(body())
      })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (mine !== asked) return; // the latest answer only
          out.removeAttribute("aria-busy");
          show(out, data, audience);
        })
        .catch(function () { out.removeAttribute("aria-busy"); /* keep the last preview */ });
    }

    form.addEventListener("input", function (event) {
      var name = event.target && event.target.name;
      if (name !== "text" && (campaign || name === "name" || DRAFT.indexOf(name) < 0)) return;
      clearTimeout(timer);
      timer = setTimeout(ask, 300);
    });
    if (!campaign && text.value.trim() && !out.firstElementChild) ask();
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-preview]"), watch);
})();
