// govsite: progressive enhancement only. Every table reads fine without this script.
"use strict";

(function () {
  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var text = cell.textContent.trim();
    var number = Number(text.replace(/[%,]/g, ""));
    return text !== "" && !isNaN(number) ? number : text.toLowerCase();
  }

  function sortTable(table, index, header) {
    var body = table.tBodies[0];
    if (!body) return;
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      var order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function addFilter(table) {
    var body = table.tBodies[0];
    if (!body || body.rows.length < 6) return;
    var input = document.createElement("input");
    input.type = "search";
    input.className = "filter";
    input.placeholder = "Filter rows (owner, state, origin, severity…)";
    input.setAttribute("aria-label", "Filter the table below");
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(body.rows, function (row) {
        row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) === -1;
      });
    });
    var holder = table.parentNode.classList.contains("table-scroll") ? table.parentNode : table;
    holder.parentNode.insertBefore(input, holder);
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    if (!table.tHead) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () { sortTable(table, index, th); });
    });
    addFilter(table);
  });
})();
