// The phone menu (base.html) is a <details>: it opens and closes without any
// script. This adds what a menu button is expected to do with a keyboard:
// Escape closes it and puts the focus back on "Menu".
(function () {
  "use strict";

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var menu = document.getElementById("site-menu");
    if (!menu || !menu.open || !menu.contains(document.activeElement)) {
      return;
    }
    menu.open = false;
    menu.querySelector("summary").focus();
  });
})();
