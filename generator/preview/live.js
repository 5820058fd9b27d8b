// The live preview of "playbook serve": reloads the page when the site
// changes, swaps stylesheets in place when only they changed, and lets the
// warnings banner be dismissed. Served by the preview only, never built
// into a site.
(function () {
  "use strict";
  var me = document.currentScript;
  var version = me ? me.getAttribute("data-version") : null;

  var banner = document.getElementById("playbook-warnings");
  if (banner) {
    var text = banner.querySelector("pre").textContent;
    var key = "playbook-warnings-dismissed";
    if (sessionStorage.getItem(key) === text) banner.hidden = true;
    document.getElementById("playbook-warnings-dismiss").addEventListener("click", function () {
      banner.hidden = true;
      sessionStorage.setItem(key, text);
    });
  }

  if (!window.EventSource) return;
  var events = new EventSource("/_playbook/events");
  events.addEventListener("hello", function (e) {
    // A change made between serving this page and listening for changes,
    // or a restarted server.
    if (version !== null && e.data !== version) location.reload();
  });
  events.addEventListener("reload", function () {
    location.reload();
  });
  events.addEventListener("styles", function (e) {
    var msg = JSON.parse(e.data);
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    var swapped = false;
    // msg.swap maps old stylesheet files ("assets/style.0123.css") to
    // new ones; pages name them under the site's base path.
    for (var i = 0; i < links.length; i++) {
      var href = links[i].getAttribute("href");
      for (var old in msg.swap) {
        if (href === "/" + old || href.slice(-(old.length + 1)) === "/" + old) {
          links[i].setAttribute("href", href.slice(0, href.length - old.length) + msg.swap[old]);
          swapped = true;
        }
      }
    }
    if (!swapped) {
      location.reload();
      return;
    }
    version = String(msg.version);
  });
})();
