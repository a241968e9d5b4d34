// When an htmx control's request fails (an error status such as 503 while the
// database restarts, or no answer at all), say so beside the control that sent
// it. htmx swaps nothing on an error (see htmx-config in base.html), so the
// control keeps the state it had (aria-pressed, the note's text): what is shown
// is what is saved. The message is an alert, so a screen reader announces it,
// and it goes away when the control sends its next request.
(function () {
  "use strict";

  var MESSAGE = "Not saved, try again.";

  function messageAfter(control) {
    var next = control.nextElementSibling;
    if (next && next.classList.contains("not-saved")) {
      return next;
    }
    var message = document.createElement("p");
    message.className = "not-saved";
    message.setAttribute("role", "alert");
    control.insertAdjacentElement("afterend", message);
    return message;
  }

  function showFailure(event) {
    var control = event.detail && event.detail.elt;
    if (!control || !control.isConnected) {
      return;
    }
    var message = messageAfter(control);
    // Emptied first, so saying it again is announced again.
    message.textContent = "";
    window.setTimeout(function () {
      message.textContent = MESSAGE;
    }, 50);
  }

  function clearFailure(event) {
    var control = event.detail && event.detail.elt;
    var next = control && control.nextElementSibling;
    if (next && next.classList.contains("not-saved")) {
      next.remove();
    }
  }

  document.addEventListener("htmx:responseError", showFailure);
  document.addEventListener("htmx:sendError", showFailure);
  document.addEventListener("htmx:beforeRequest", clearFailure);
})();
