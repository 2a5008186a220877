// gongzhi: "use my location" on the resident's report form. The button is
// hidden until this script shows it, so without JavaScript (or without a
// location service) the form simply asks for the residential area.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("locate");
    var lat = document.getElementById("r-lat");
    var lng = document.getElementById("r-lng");
    var area = document.getElementById("r-area");
    var status = document.getElementById("locate-status");
    if (!button || !lat || !lng || !navigator.geolocation) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.getAttribute("data-msg-wait");
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (pos) {
        lat.value = pos.coords.latitude.toFixed(6);
        lng.value = pos.coords.longitude.toFixed(6);
        if (area) area.value = "";
        button.disabled = false;
        status.textContent = button.getAttribute("data-msg-done") + " (" + lat.value + ", " + lng.value + ")";
      }, function () {
        button.disabled = false;
        status.textContent = button.getAttribute("data-msg-failed");
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  });
})();
