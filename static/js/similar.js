/* The proposal form: "experiments like this were tried" follows what the applicant writes.
   The page already shows the list for what was saved; without this script nothing changes. */
(function () {
  "use strict";

  var WAIT = 700; // ms after the last key press
  var MAX = 2000; // characters the public API compares (rules.SIMILAR_TEXT_MAX)

  function setUp(box) {
    var form = box.closest("form") || document.querySelector("main form");
    var results = box.querySelector("[aria-live]");
    var fields = ["title", "need", "summary"].map(function (name) {
      return form && form.elements.namedItem(name);
    }).filter(Boolean);
    if (!results || !fields.length) return;
    var labels = JSON.parse(box.getAttribute("data-statuses") || "{}");
    var timer = null;
    var asked = "";
    var latest = 0;

    function written() {
      return fields.map(function (f) { return f.value; }).join(" ").trim().slice(0, MAX);
    }

    function show(items) {
      var list;
      results.textContent = "";
      if (!items.length) {
        var none = document.createElement("p");
        none.textContent = box.getAttribute("data-none");
        results.appendChild(none);
        return;
      }
      list = document.createElement("ul");
      list.className = "similar-list";
      items.forEach(function (item) {
        var li = document.createElement("li");
        var link = document.createElement("a");
        var status = document.createElement("span");
        link.href = box.getAttribute("data-item-url").replace(/0$/, String(item.id));
        link.textContent = item.title;
        status.className = "status status-" + item.status;
        status.textContent = labels[item.status] || item.status;
        li.appendChild(link);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(status);
        list.appendChild(li);
      });
      results.appendChild(list);
    }

    function ask() {
      var text = written();
      if (!text || text === asked) return;
      asked = text;
      var mine = ++latest;
      var url = box.getAttribute("data-similar-url") + "?text=" + encodeURIComponent(text);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "omit" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (body && mine === latest) show(body.items || []);
        })
        .catch(function () { /* the list stays as it was */ });
    }

    fields.forEach(function (field) {
      field.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(ask, WAIT);
      });
    });
    asked = written();
  }

  function start() {
    document.querySelectorAll("[data-similar-url]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
