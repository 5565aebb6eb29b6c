// Counselor pages: sortable results table and the print button. No HTML is built from
// data: rows are moved, never rewritten.
(function () {
  "use strict";
  var table = document.getElementById("sessions");
  if (table) {
    var body = table.tBodies[0];
    var state = { key: null, ascending: true };
    Array.prototype.forEach.call(table.querySelectorAll("th button[data-cle]"), function (button) {
      button.addEventListener("click", function () {
        var key = button.getAttribute("data-cle");
        var numeric = button.getAttribute("data-type") === "nombre";
        state.ascending = state.key === key ? !state.ascending : true;
        state.key = key;
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.getAttribute("data-" + key), y = b.getAttribute("data-" + key);
          var result;
          if (numeric) {
            // Empty values (remote sessions, unknown seats) go last in both directions.
            if (x === "" || y === "") { return x === y ? 0 : (x === "" ? 1 : -1); }
            result = parseFloat(x) - parseFloat(y);
          } else {
            result = x.localeCompare(y, "fr");
          }
          return state.ascending ? result : -result;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        Array.prototype.forEach.call(table.querySelectorAll("th"), function (th) { th.removeAttribute("aria-sort"); });
        button.parentNode.setAttribute("aria-sort", state.ascending ? "ascending" : "descending");
      });
    });
  }
  var print = document.getElementById("imprimer");
  if (print) { print.addEventListener("click", function () { window.print(); }); }
})();
