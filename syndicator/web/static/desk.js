// The desk's little JavaScript: ask before a form does something that is
// hard to take back (data-confirm on the form). Everything works without it;
// the server checks again.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
