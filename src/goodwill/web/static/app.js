// goodwill's own script (no inline scripts: the Content-Security-Policy forbids them).
// Pages add behaviour here with data- attributes; htmx does the requests.
"use strict";

// ---- Pipelines: the kanban board (pages/pipelines.py) --------------------------------
// A card ([data-move-url]) moves to another column ([data-stage]) by drag and drop, or,
// while it has focus, with Shift+ArrowRight / Shift+ArrowLeft (the next / previous
// stage). Each card's own "Move to" form does the same without any script. The move is
// an htmx POST (the CSRF header comes from <body hx-headers>); the answer's HX-Redirect
// reloads the board on the moved card.
(function () {
  function moveCard(card, stage) {
    if (!card || !stage || typeof htmx === "undefined") return;
    htmx.ajax("POST", card.dataset.moveUrl, { source: card, values: { stage: stage }, swap: "none" });
  }

  function columnOf(el) { return el.closest("[data-stage]"); }

  document.addEventListener("dragstart", function (event) {
    const card = event.target.closest && event.target.closest("[data-move-url]");
    if (!card) return;
    event.dataTransfer.setData("text/plain", card.id);
    event.dataTransfer.effectAllowed = "move";
  });

  document.addEventListener("dragover", function (event) {
    const column = event.target.closest && columnOf(event.target);
    if (!column || !column.closest("[data-board]")) return;
    event.preventDefault();
    column.classList.add("over");
  });

  document.addEventListener("dragleave", function (event) {
    const column = event.target.closest && columnOf(event.target);
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("over");
  });

  document.addEventListener("drop", function (event) {
    const column = event.target.closest && columnOf(event.target);
    if (!column || !column.closest("[data-board]")) return;
    event.preventDefault();
    column.classList.remove("over");
    const card = document.getElementById(event.dataTransfer.getData("text/plain"));
    if (card && columnOf(card) !== column) moveCard(card, column.dataset.stage);
  });

  document.addEventListener("keydown", function (event) {
    const card = event.target;
    if (!event.shiftKey || !card.matches || !card.matches("[data-move-url]")) return;
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    const columns = Array.from(document.querySelectorAll("[data-board] [data-stage]"));
    const here = columns.indexOf(columnOf(card));
    const there = columns[here + (event.key === "ArrowRight" ? 1 : -1)];
    if (here < 0 || !there) return;
    event.preventDefault();
    moveCard(card, there.dataset.stage);
  });
})();
// ---- Today (pages/today.py) ----------------------------------------------------------
// An item acted on (a task done or snoozed, a person touched) leaves its counts: each
// count it is part of is named, by id, in the item's data-counts.
document.addEventListener("htmx:beforeSwap", function (event) {
  var target = event.detail.target;
  var counts = target && target.getAttribute && target.getAttribute("data-counts");
  if (!counts || event.detail.xhr.status >= 300) {
    return;
  }
  counts.split(" ").forEach(function (id) {
    var badge = document.getElementById(id);
    var value = badge ? parseInt(badge.textContent.replace(/[^0-9]/g, ""), 10) : NaN;
    if (value > 0) {
      badge.textContent = (value - 1).toLocaleString("en-US");
    }
  });
});
// ---- end of Today ----------------------------------------------------------------------
// -- Contacts: a "select all" checkbox for the rows of a bulk form -------------------
// <input type="checkbox" data-select-all="FORM-ID"> checks or clears every checkbox
// named "ids" that belongs to that form. Delegated: the results are swapped by htmx.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.dataset.selectAll) {
    return;
  }
  var selector = 'input[type="checkbox"][name="ids"][form="' + box.dataset.selectAll + '"]';
  document.querySelectorAll(selector).forEach(function (row) {
    row.checked = box.checked;
  });
});
