// The playbook's service worker. "playbook build" writes it to the site's
// root as sw.js (its scope is the folder it is served from), and the
// theme's script registers it on the first visit.
//
// On install it saves the pages an on-call engineer needs with the network
// down (alert pages, runbooks, checklists, the home page) and the browser's
// search files, so that they open offline; on a large site, only what is
// opened is saved (PAGE_BUDGET, SEARCH_BUDGET). Pages are fetched from the
// network first and saved again each time; when the network fails, the
// saved copy is served with a mark the page shows as "offline copy".
"use strict";
var CACHE = "playbook-v1";
var base = new URL("./", self.location).pathname;
var KINDS = { alert: 1, runbook: 1, checklist: 1 };
// Past these, a site is too large to save whole on a first visit (a
// phone's data plan, a slow link): its pages and search files are saved
// as they are opened instead.
var PAGE_BUDGET = 400; // alert pages, runbooks and checklists
var SEARCH_BUDGET = 1200; // files of the search index

function abs(u) { return base + String(u).replace(/^\//, ""); }

function stamp(resp) {
  // A copy of the response that remembers when it was saved.
  return resp.clone().blob().then(function (body) {
    var h = new Headers(resp.headers);
    h.set("x-playbook-saved", new Date().toISOString());
    return new Response(body, { status: resp.status, statusText: resp.statusText, headers: h });
  });
}

function save(cache, url) {
  return fetch(url, { credentials: "same-origin" }).then(function (resp) {
    if (!resp.ok) return null;
    return stamp(resp).then(function (s) { return cache.put(url, s).then(function () { return resp; }); });
  }).catch(function () { return null; });
}

// inBatches saves urls a few at a time, not to flood the server.
function inBatches(cache, urls, n) {
  var i = 0;
  function next() {
    if (i >= urls.length) return Promise.resolve();
    var batch = urls.slice(i, i + n);
    i += n;
    return Promise.all(batch.map(function (u) { return save(cache, u); })).then(next);
  }
  return next();
}

// searchFiles lists the files of the search index that the manifest m
// names: the shards, the facets, the document store, and the deletion
// index of close spellings (search/y/: the list of its buckets, saved
// here, and each bucket), so that a mistyped query finds its pages
// offline too. It resolves to the list; it leaves the buckets out when
// their list cannot be fetched or they would pass SEARCH_BUDGET.
function searchFiles(cache, m) {
  var urls = [abs("search/manifest.json")];
  function walk(prefix, v) {
    if (typeof v === "string") urls.push(abs("search/" + prefix + "/" + v + ".json"));
    else if (v && typeof v === "object") for (var k in v) walk(prefix, v[k]);
  }
  walk("s", m.s);
  walk("f", m.f);
  if (m.d && m.n) for (var i = 0; i < m.n; i++) urls.push(abs("search/d/" + m.d[Math.floor(i / 256)] + "/" + i + ".json"));
  if (!m.y || urls.length >= SEARCH_BUDGET) return Promise.resolve(urls);
  return save(cache, abs("search/y/" + m.y + ".json")).then(function (resp) {
    return resp ? resp.json() : [];
  }).then(function (buckets) {
    // Within the budget, or not at all: the rest of the index is worth
    // more than close spellings.
    if (urls.length + buckets.length > SEARCH_BUDGET) return urls;
    buckets.forEach(function (h) {
      var u = abs("search/y/" + h + ".json");
      if (urls.indexOf(u) < 0) urls.push(u);
    });
    return urls;
  }).catch(function () { return urls; });
}

function precache() {
  return caches.open(CACHE).then(function (cache) {
    var pages = fetch(abs("pages.json")).then(function (r) { return r.json(); }).then(function (list) {
      var urls = [];
      var onCall = list.filter(function (p) { return KINDS[p.kind]; });
      if (onCall.length <= PAGE_BUDGET) onCall.forEach(function (p) { urls.push(abs(p.url)); });
      // The assets the pages use, found in the home page and in the 404
      // page (which alone uses notfound.js, and stands in offline for a
      // page not saved).
      var text = function (resp) { return resp ? resp.text() : ""; };
      return Promise.all([save(cache, abs("/")).then(text), save(cache, abs("404.html")).then(text)]).then(function (htmls) {
        var re = /(?:href|src)="([^"]*\/assets\/[^"]+)"/g, m, html = htmls.join("\n");
        while ((m = re.exec(html))) if (urls.indexOf(m[1]) < 0) urls.push(m[1]);
        return inBatches(cache, urls, 6);
      });
    }).catch(function () {});
    var search = fetch(abs("search/manifest.json")).then(function (r) { return r.json(); }).then(function (m) {
      return searchFiles(cache, m).then(function (files) {
        return files.length <= SEARCH_BUDGET ? inBatches(cache, files, 8) : null;
      });
    }).catch(function () {});
    return Promise.all([pages, search]);
  });
}

self.addEventListener("install", function (ev) {
  self.skipWaiting();
  // Saving goes on after install: the first visit is not held up by it.
  ev.waitUntil(Promise.resolve());
  precache();
});

self.addEventListener("activate", function (ev) {
  ev.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("playbook-") === 0 && k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// offlineCopy marks a saved page for the theme's script to say so.
function offlineCopy(resp) {
  var saved = resp.headers.get("x-playbook-saved") || "";
  return resp.text().then(function (html) {
    html = html.replace(/<body\b/, '<body data-offline-copy="' + saved + '"');
    var h = new Headers(resp.headers);
    return new Response(html, { status: resp.status, headers: h });
  });
}

self.addEventListener("fetch", function (ev) {
  var req = ev.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf(base) !== 0) return;
  if (url.pathname.indexOf(base + "_playbook/") === 0) return; // the live preview's own files
  var key = url.origin + url.pathname;
  if (url.pathname.indexOf(base + "assets/") === 0) {
    // Hashed assets never change: saved copy first.
    ev.respondWith(caches.match(key).then(function (hit) {
      return hit || caches.open(CACHE).then(function (cache) {
        return fetch(req).then(function (resp) {
          if (resp.ok) cache.put(key, resp.clone());
          return resp;
        });
      });
    }));
    return;
  }
  ev.respondWith(fetch(req).then(function (resp) {
    if (resp.ok && (req.mode === "navigate" || url.pathname.indexOf(base + "search/") === 0)) {
      var copy = resp.clone();
      caches.open(CACHE).then(function (cache) { return stamp(copy).then(function (s) { return cache.put(key, s); }); });
    }
    return resp;
  }).catch(function (err) {
    return caches.match(key).then(function (hit) {
      if (!hit) {
        if (req.mode === "navigate") return caches.match(abs("404.html")).then(function (nf) { if (nf) return offlineCopy(nf); throw err; });
        throw err;
      }
      return req.mode === "navigate" ? offlineCopy(hit) : hit;
    });
  }));
});
