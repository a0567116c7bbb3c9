// Optional: sorts a table with class "sortable" when a header is clicked (or Enter is pressed on it). Cells may
// carry data-sort with the number to compare; others compare by text. The page reads the same without it.
(function () {
  var tables = document.querySelectorAll('table.sortable');
  Array.prototype.forEach.call(tables, function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.tabIndex = 0;
      th.title = 'Sort by this column';
      var sort = function () {
        var numeric = th.getAttribute('data-type') === 'number';
        var current = th.getAttribute('aria-sort');
        var dir = current ? (current === 'descending' ? 1 : -1) : (numeric ? -1 : 1);
        var key = function (row) {
          var cell = row.cells[col];
          var v = cell.getAttribute('data-sort');
          return numeric ? parseFloat(v === null ? cell.textContent : v) : cell.textContent.toLowerCase();
        };
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          return (x < y ? -1 : x > y ? 1 : 0) * dir;
        });
        rows.forEach(function (r) { body.appendChild(r); });
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
      };
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          sort();
        }
      });
    });
    table.classList.add('scripted');
  });
})();
