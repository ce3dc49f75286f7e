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
