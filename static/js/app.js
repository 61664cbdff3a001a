/* Kokeilu: small progressive enhancements; every page works without this script. */
(function () {
  "use strict";

  /* Wide tables scroll inside their own box instead of the whole page (WCAG 1.4.10).
     A box that really scrolls is a labelled region that the keyboard can reach. */
  function wrapTables() {
    document.querySelectorAll("main table").forEach(function (table) {
      if (table.parentElement.classList.contains("table-scroll")) return;
      var box = document.createElement("div");
      box.className = "table-scroll";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
  }

  var captions = 0;

  function markScrollers() {
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      var table = box.querySelector("table");
      var caption = table && table.caption;
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (caption) {
          if (!caption.id) caption.id = "table-caption-" + (++captions);
          box.setAttribute("aria-labelledby", caption.id);
        } else {
          box.setAttribute("aria-label", document.documentElement.lang === "sv" ? "Tabell"
            : document.documentElement.lang === "en" ? "Table" : "Taulukko");
        }
      } else {
        ["tabindex", "role", "aria-labelledby", "aria-label"].forEach(function (name) {
          box.removeAttribute(name);
        });
      }
    });
  }

  /* After a refused form, take the keyboard and screen reader to the list of errors. */
  function focusErrors() {
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
  }

  /* On a phone, filters nobody has used yet fold away under their summary. */
  function foldFilters() {
    if (!window.matchMedia("(max-width: 48rem)").matches) return;
    document.querySelectorAll('details[data-fold-narrow="true"]').forEach(function (box) {
      box.open = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    foldFilters();
    wrapTables();
    markScrollers();
    focusErrors();
    window.addEventListener("resize", markScrollers);
  });
})();
