// On the 404 page: offline, say that the page is not saved on this device
// yet; when the missing address is an alert's, say that the alert has no
// runbook yet, what a paged engineer can do, and how to add one.
(function () {
  "use strict";
  var box = document.getElementById("no-runbook");
  if (!box) return;
  // Served by the service worker while offline: the page may well exist,
  // it is only not saved on this device.
  var offline = document.getElementById("offline-missing");
  if (offline && document.body.hasAttribute("data-offline-copy") && !/\/404\.html$/.test(location.pathname)) {
    offline.hidden = false;
    var gen = document.getElementById("generic");
    if (gen) gen.hidden = true;
    return;
  }
  var prefix = box.getAttribute("data-alert-prefix") || "/alerts/";
  var path;
  try { path = decodeURIComponent(location.pathname); } catch (e) { path = location.pathname; }
  if (path.toLowerCase().indexOf(prefix.toLowerCase()) !== 0) return;
  var name = path.slice(prefix.length).split("/")[0].replace(/\.html?$/i, "").replace(/^index$/i, "");
  if (!name) return;
  var spots = box.querySelectorAll("[data-alert-name]");
  for (var i = 0; i < spots.length; i++) spots[i].textContent = name;
  var search = box.querySelector("[data-alert-search]");
  if (search) search.setAttribute("href", box.getAttribute("data-search") + encodeURIComponent(name));
  box.hidden = false;
  var generic = document.getElementById("generic");
  if (generic) generic.hidden = true;
})();
