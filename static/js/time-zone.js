// The profile's "Use this device's time zone" button: shown when the browser's
// zone (Intl) is one the time zone list offers and not the one saved. Clicking
// it picks that zone in the list and saves the form. Without JavaScript the
// button stays hidden and the list is there to choose from.
(function () {
  "use strict";

  var select = document.getElementById("id_time_zone");
  var offer = document.getElementById("browser-zone");
  if (!select || !offer || !window.Intl) {
    return;
  }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var known = Array.prototype.some.call(select.options, function (option) {
    return option.value === zone;
  });
  if (!zone || !known || zone === select.value) {
    return;
  }
  offer.querySelector("[data-zone]").textContent = zone.replace(/_/g, " ");
  offer.hidden = false;
  offer.querySelector("button").addEventListener("click", function () {
    select.value = zone;
  });
})();
