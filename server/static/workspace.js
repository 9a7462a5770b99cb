// Keyboard use of the officials' search results (issue 8). The page works without this file:
// the checkboxes and the bulk form are plain HTML. With it: j and k move between results, x ticks
// the result in focus, a ticks (or unticks) every result on the page. Keys typed into a field are
// left alone.
(function () {
  'use strict';
  var list = document.querySelector('.result-list');
  if (!list) return;
  var items = Array.prototype.slice.call(list.querySelectorAll(':scope > li'));
  if (items.length === 0) return;

  function current() {
    for (var i = 0; i < items.length; i++) if (items[i].contains(document.activeElement)) return i;
    return -1;
  }
  function focusItem(i) {
    var link = items[i].querySelector('h2 a');
    if (link) link.focus();
  }
  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var t = e.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
    var i = current();
    if (e.key === 'j') {
      focusItem(Math.min(items.length - 1, i + 1));
    } else if (e.key === 'k') {
      focusItem(Math.max(0, i - 1));
    } else if (e.key === 'x' && i >= 0) {
      var box = items[i].querySelector('input[type=checkbox]');
      if (box) box.checked = !box.checked;
    } else if (e.key === 'a') {
      var boxes = list.querySelectorAll('input[type=checkbox]');
      var all = Array.prototype.every.call(boxes, function (b) { return b.checked; });
      Array.prototype.forEach.call(boxes, function (b) { b.checked = !all; });
    } else {
      return;
    }
    e.preventDefault();
  });
})();
