// The live preview of a campaign's text: a moment after typing stops, ask /campaigns/preview
// (operations.preview on the server) how the text reads for the first contacts of the audience,
// and show it in the same markup as templates/_campaign_preview.html. Text goes in through
// textContent only: a contact's name or a text is never markup. Without this script the
// "Preview" buttons post the form and the page comes back with the same preview.
// Its words come translated from the server in the page (#preview-words, web/campaign_words.py):
// sentences with %(name)s placeholders that fill() completes, never English written here.
(function () {
  "use strict";
  if (!window.fetch) return;
  var DRAFT = ["name", "text", "tags", "field_name", "field_value"];
  var source = document.getElementById("preview-words");
  if (!source) return;
  var WORDS = JSON.parse(source.textContent);

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

  // a sentence with its %(name)s placeholders replaced by values: text, or a node as it is
  function fill(node, sentence, values) {
    sentence.split(/(%\(\w+\)s)/).forEach(function (piece) {
      var name = /^%\((\w+)\)s$/.exec(piece);
      var value = name ? values[name[1]] : piece;
      if (value === undefined || value === "") return;
      node.appendChild(value instanceof Node ? value : document.createTextNode(String(value)));
    });
    return node;
  }

  function plural(forms, n) {
    return WORDS.one.indexOf(n) >= 0 ? forms.one : forms.other;
  }

  function cost(p) {
    var sentence = p.encoding === "gsm7" ? WORDS.cost_gsm : WORDS.cost_ucs2;
    return fill(el("span", "muted cost"), sentence, { parts: p.parts, units: p.units });
  }

  function show(out, data, audience) {
    out.textContent = "";
    if (data.error !== undefined) {
      out.appendChild(list("problems", [data.said || data.field + ": " + data.error]));
      return;
    }
    if (audience) {
      var forms = data.previews.length ? WORDS.audience : WORDS.audience_alone;
      out.appendChild(fill(el("p", "audience"), plural(forms, data.audience), {
        size: el("strong", "audience-size", String(data.audience)),
        first: data.previews.length
      }));
    } else {
      out.appendChild(el("p", "audience", WORDS.text_for_first));
    }
    if (data.problems.length) out.appendChild(list("problems", data.problems));
    if (data.warnings.length) out.appendChild(list("warnings", data.warnings));
    var ol = el("ol", "previews");
    data.previews.forEach(function (p) {
      var li = el("li");
      li.appendChild(el("span", "who", p.contact));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(cost(p));
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
