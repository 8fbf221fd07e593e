// govsite: progressive enhancement only. Every table reads fine without this script.
"use strict";

(function () {
  // Cells that hold no value: they sort last, whichever the direction.
  var EMPTY = { "": true, "\u2014": true, "n/a": true, "unassigned": true, "none": true };

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return null;
    var text = cell.textContent.trim();
    if (EMPTY[text.toLowerCase()]) return null;
    var number = Number(text.replace(/[%,]/g, ""));
    return !isNaN(number) ? number : text.toLowerCase();
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
      if (x === null || y === null) return (x === null) - (y === null);
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
    // On a list in pages, the filter and the sort work on the rows of the page shown.
    input.placeholder = document.querySelector(".pager") ? "Filter the rows of this page (owner, state, origin…)" : "Filter rows (owner, state, origin, severity…)";
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

// Search over every record. The index is a script, loaded on first use, so it also works
// from file:// (where fetching JSON is blocked) and costs nothing on pages where nobody searches.
(function () {
  var box = document.querySelector(".search");
  if (!box) return;
  var root = box.getAttribute("data-root") || "";
  // The box is made here, not in every page: without JavaScript it could not work, and
  // its markup would cost every one of tens of thousands of pages 400 bytes.
  var label = document.createElement("label");
  label.htmlFor = "search-box";
  label.className = "visually-hidden";
  label.textContent = "Search records";
  var input = document.createElement("input");
  input.id = "search-box";
  input.type = "text";
  input.placeholder = "Search controls, people, incidents…";
  input.autocomplete = "off";
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", "search-results");
  input.setAttribute("aria-expanded", "false");
  var list = document.createElement("ul");
  list.id = "search-results";
  list.className = "search-results";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Search results");
  list.hidden = true;
  box.appendChild(label);
  box.appendChild(input);
  box.appendChild(list);
  var selected = -1;
  box.hidden = false;

  // An entry of the index is [title, kind, id, text]; the kind is a position in KINDS, and
  // the page of the record is FOLDERS[kind] + id + ".html" (src/views/search.rs).
  var KINDS = ["control", "process", "exception", "incident", "review", "person", "framework", "team"];
  var FOLDERS = ["controls/", "processes/", "exceptions/", "incidents/", "reviews/", "people/", "frameworks/", "teams/"];

  // The index is requested once, however many keys are typed while it loads; what waits for
  // it runs once it is there, in the order asked. It comes in three scripts, the smallest
  // first (src/views/search.rs): records, then exceptions, then incidents, each loaded after
  // the one before; results show as soon as the first is there and grow as the others come.
  var waiting = null;
  var MORE = ["exceptions", "incidents"];
  function load(then) {
    if (window.GOVSITE_SEARCH) return then();
    if (waiting) {
      if (waiting.indexOf(then) === -1) waiting.push(then);
      return;
    }
    waiting = [then];
    script("assets/search-index.js", function () {
      var ready = waiting;
      waiting = null;
      ready.forEach(function (callback) { callback(); });
      loadMore(0);
    }, function () {
      waiting = null; // the next key tries again
    });
  }

  function loadMore(next) {
    if (next >= MORE.length) return;
    script("assets/search-" + MORE[next] + ".js", function () {
      // Results on show grow; results closed (Escape, a click elsewhere) stay closed.
      if (!list.hidden) show();
      loadMore(next + 1);
    }, function () {});
  }

  function script(path, loaded, failed) {
    var tag = document.createElement("script");
    tag.src = root + path;
    tag.onload = loaded;
    tag.onerror = function () {
      tag.remove();
      failed();
    };
    document.head.appendChild(tag);
  }

  // Every entry loaded so far, in the order of the scripts.
  function shards() {
    var more = window.GOVSITE_SEARCH_MORE || {};
    var all = [window.GOVSITE_SEARCH || []];
    MORE.forEach(function (name) { if (more[name]) all.push(more[name]); });
    return all;
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    selected = -1;
  }

  function select(index) {
    var items = list.querySelectorAll("a[role=option]");
    if (!items.length) return;
    selected = (index + items.length) % items.length;
    items.forEach(function (item, i) { item.setAttribute("aria-selected", i === selected ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", items[selected].id);
    items[selected].scrollIntoView({ block: "nearest" });
  }

  function render(matches) {
    list.textContent = "";
    input.removeAttribute("aria-activedescendant");
    if (!matches.length) {
      var empty = document.createElement("li");
      empty.className = "empty";
      empty.setAttribute("role", "option");
      empty.setAttribute("aria-disabled", "true");
      empty.textContent = "No record matches.";
      list.appendChild(empty);
    }
    matches.forEach(function (entry, i) {
      // The link itself is the option (an option must not contain a focusable element);
      // focus stays in the combobox, which points at the selected option.
      var item = document.createElement("li");
      item.setAttribute("role", "none");
      var link = document.createElement("a");
      link.setAttribute("role", "option");
      link.setAttribute("aria-selected", "false");
      link.id = "search-option-" + i;
      link.tabIndex = -1;
      link.href = root + FOLDERS[entry[1]] + entry[2] + ".html";
      var title = document.createElement("span");
      title.textContent = entry[0];
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = KINDS[entry[1]];
      link.appendChild(title);
      link.appendChild(kind);
      item.appendChild(link);
      list.appendChild(item);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    selected = -1;
  }

  function terms() {
    return input.value.toLowerCase().split(/\s+/).filter(Boolean);
  }

  // Reads the box when the index is there, not when the key was typed: keys typed while the
  // index loads show the results for the whole query, never for a part of it.
  function show() {
    var wanted = terms();
    if (!wanted.length) return close();
    var matches = [];
    shards().forEach(function (entries) {
      for (var i = 0; i < entries.length && matches.length < 20; i++) {
        var e = entries[i];
        var text = (e[0] + " " + KINDS[e[1]] + " " + e[2] + " " + e[3]).toLowerCase();
        if (wanted.every(function (term) { return text.indexOf(term) !== -1; })) matches.push(e);
      }
    });
    render(matches);
  }

  function search() {
    if (!terms().length) return close();
    load(show);
  }

  function preload() {}
  input.addEventListener("focus", function () { load(preload); });
  input.addEventListener("input", search);
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { event.preventDefault(); select(selected + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); select(selected - 1); }
    else if (event.key === "Escape") { close(); }
    else if (event.key === "Enter") {
      var links = list.querySelectorAll("a[role=option]");
      var target = links[selected >= 0 ? selected : 0];
      if (target) { event.preventDefault(); window.location.href = target.href; }
    }
  });
  document.addEventListener("click", function (event) { if (!box.contains(event.target)) close(); });
})();
