// Search box of the default theme: queries the static export that
// "playbook build" writes under search/, fetching only the shards a query
// needs. Analysis and ranking are the same as in the search package, so
// the box and "playbook search" list the same pages in the same order.
(function () {
  "use strict";

  var WORD = /[\p{L}\p{M}\p{N}]+/gu;
  var LIMIT = 10;
  var STORE_CHUNK = 256; // pages per folder of the document store (search/export.go)
  var KINDS = { guide: "Guides", runbook: "Runbooks", alert: "Alerts", checklist: "Checklists", team: "Teams", persona: "Personas" };

  // lower lowercases one term as bleve's to_lower filter does: rune by
  // rune with the simple case mapping, and a capital sigma at the end of
  // the term becomes a final sigma.
  function lower(s) {
    var cs = Array.from(s);
    var out = "";
    for (var i = 0; i < cs.length; i++) {
      var c = cs[i];
      var l = c === "\u0130" ? "i" : c.toLowerCase();
      if (Array.from(l).length !== 1) l = c;
      if (l === "\u03c3" && c !== l && i === cs.length - 1) l = "\u03c2";
      out += l;
    }
    return out;
  }

  // terms analyses text into terms, as the index does.
  function terms(text) {
    var m = String(text).match(WORD);
    return m ? m.map(lower) : [];
  }

  // queryTerms are the distinct terms of at least two characters.
  function queryTerms(q) {
    var seen = {}, out = [];
    terms(q).forEach(function (t) {
      if (Array.from(t).length < 2 || seen[t]) return;
      seen[t] = true;
      out.push(t);
    });
    return out;
  }

  // exactTerm is the whole query trimmed and lowercased: the key of exact
  // alert name and title hits.
  function exactTerm(q) { return lower(String(q).trim()); }

  var BITS = [[1, 10], [2, 8], [4, 4], [8, 3], [16, 1]];
  function fieldWeight(mask) {
    for (var i = 0; i < BITS.length; i++) if (mask & BITS[i][0]) return BITS[i][1];
    return 0;
  }
  function exactBonus(bits) { return (bits & 2 ? 100 : 0) + (bits & 1 ? 50 : 0); }

  function Searcher(base) {
    this.base = base;
    this.cache = {};
  }
  Searcher.prototype.get = function (path) {
    var c = this.cache;
    if (!c[path]) {
      c[path] = fetch(this.base + path).then(function (r) {
        if (!r.ok) throw new Error(path + ": " + r.status);
        return r.json();
      });
      c[path].catch(function () { delete c[path]; });
    }
    return c[path];
  };
  Searcher.prototype.manifest = function () { return this.get("manifest.json"); };

  // search returns the best results of q, in the order they are listed.
  Searcher.prototype.search = function (q, filters) {
    var self = this;
    return this.manifest().then(function (m) {
      var ts = queryTerms(q);
      if (!ts.length) return [];
      var keys = Object.keys(m.s);
      var need = {};
      ts.forEach(function (t) {
        keys.forEach(function (k) {
          if (k.startsWith(t) || (t.startsWith(k) && Array.from(k).length >= 2)) need[k] = true;
        });
      });
      var kw = exactTerm(q), kwKey = "";
      keys.forEach(function (k) {
        if (Array.from(k).length >= 2 && kw.startsWith(k) && k.length > kwKey.length) kwKey = k;
      });
      if (kwKey) need[kwKey] = true;
      var loads = Object.keys(need).sort().map(function (k) { return self.get("s/" + m.s[k] + ".json"); });
      var facetLoads = [];
      ["kind", "owner", "role"].forEach(function (f) {
        var v = filters && filters[f];
        if (!v) return;
        var h = m.f[f] && m.f[f][v];
        facetLoads.push(h ? self.get("f/" + h + ".json") : Promise.resolve([]));
      });
      return Promise.all([Promise.all(loads), Promise.all(facetLoads)]).then(function (r) {
        return self.rank(m, ts, kw, kwKey ? r[0][Object.keys(need).sort().indexOf(kwKey)] : null, r[0], r[1]);
      });
    });
  };

  Searcher.prototype.rank = function (m, ts, kw, kwShard, shards, facets) {
    var best = ts.map(function () { return {}; });
    ts.forEach(function (t, i) {
      shards.forEach(function (s) {
        var tt = s.t || {};
        Object.keys(tt).forEach(function (u) {
          if (!u.startsWith(t)) return;
          var ps = tt[u], doc = 0;
          for (var j = 0; j < ps.length; j += 2) {
            doc += ps[j];
            var w = fieldWeight(ps[j + 1]);
            if (u !== t) w /= 2;
            if (!(best[i][doc] >= w)) best[i][doc] = w;
          }
        });
      });
    });
    var allowed = facets.map(function (ids) {
      var set = {}, doc = 0;
      ids.forEach(function (d) { doc += d; set[doc] = true; });
      return set;
    });
    var exact = {};
    var xs = kwShard && kwShard.x && kwShard.x[kw];
    if (xs) {
      var doc = 0;
      for (var j = 0; j < xs.length; j += 2) { doc += xs[j]; exact[doc] = xs[j + 1]; }
    }
    var hits = [];
    Object.keys(best[0]).forEach(function (key) {
      var d = +key, total = 0;
      for (var i = 0; i < ts.length; i++) {
        var b = best[i][d];
        if (!b) return;
        total += b;
      }
      for (var f = 0; f < allowed.length; f++) if (!allowed[f][d]) return;
      hits.push({ doc: d, score: total + exactBonus(exact[d] || 0) });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    hits = hits.slice(0, LIMIT);
    var self = this;
    return Promise.all(hits.map(function (h) {
      // The store is in chunks of STORE_CHUNK pages, each in a folder
      // named by its hash.
      return self.get("d/" + m.d[Math.floor(h.doc / STORE_CHUNK)] + "/" + h.doc + ".json").then(function (d) { d.score = h.score; return d; });
    })).then(groupByKind);
  };

  function groupByKind(items) {
    var order = [], groups = {};
    items.forEach(function (it) {
      if (!groups[it.k]) { groups[it.k] = []; order.push(it.k); }
      groups[it.k].push(it);
    });
    var out = [];
    order.forEach(function (k) { out = out.concat(groups[k]); });
    return out;
  }

  // highlight appends text to el, words that a query term begins marked.
  function highlight(el, text, ts) {
    var last = 0, m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text))) {
      var t = lower(m[0]);
      if (ts.some(function (q) { return t.startsWith(q); })) {
        el.appendChild(document.createTextNode(text.slice(last, m.index)));
        var mark = document.createElement("mark");
        mark.textContent = m[0];
        el.appendChild(mark);
        last = m.index + m[0].length;
      }
    }
    el.appendChild(document.createTextNode(text.slice(last)));
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function setup(box) {
    var base = box.getAttribute("data-index");
    var site = base.replace(/search\/$/, "");
    var s = new Searcher(base);
    var input = box.querySelector("input");
    var list = box.querySelector("[role=listbox]");
    var status = box.querySelector(".search-status");
    var selects = box.querySelectorAll("select[data-facet]");
    var active = -1, seq = 0, loaded = false;

    function options() { return list.querySelectorAll("[role=option]"); }
    function open(yes) {
      list.hidden = !yes;
      input.setAttribute("aria-expanded", yes ? "true" : "false");
      if (!yes) setActive(-1);
    }
    function setActive(i) {
      var os = options();
      if (active >= 0 && os[active]) os[active].setAttribute("aria-selected", "false");
      active = i;
      if (i >= 0 && os[i]) {
        os[i].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", os[i].id);
        os[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function loadFacets() {
      if (loaded) return;
      loaded = true;
      s.manifest().then(function (m) {
        selects.forEach(function (sel) {
          var f = sel.getAttribute("data-facet");
          Object.keys(m.f[f] || {}).sort().forEach(function (v) {
            var o = el("option", null, f === "kind" ? (KINDS[v] || v) : v);
            o.value = v;
            sel.appendChild(o);
          });
          sel.hidden = false;
        });
      }).catch(function () { loaded = false; });
    }
    function filters() {
      var f = {};
      selects.forEach(function (sel) { f[sel.getAttribute("data-facet")] = sel.value; });
      return f;
    }
    function render(results, q) {
      var ts = queryTerms(q);
      list.textContent = "";
      var group = null, kind = null, n = 0;
      results.forEach(function (r) {
        if (r.k !== kind) {
          kind = r.k;
          group = el("div", "search-group");
          group.setAttribute("role", "group");
          var label = el("div", "search-group-label", KINDS[kind] || kind);
          label.id = "search-group-" + kind;
          label.setAttribute("role", "presentation");
          group.setAttribute("aria-labelledby", label.id);
          group.appendChild(label);
          list.appendChild(group);
        }
        var o = el("a", "search-result");
        o.id = "search-result-" + n++;
        o.setAttribute("role", "option");
        o.setAttribute("aria-selected", "false");
        o.href = site + r.u.replace(/^\//, "");
        o.tabIndex = -1;
        var title = el("span", "search-title");
        highlight(title, r.t, ts);
        o.appendChild(title);
        var meta = el("span", "search-meta", (KINDS[r.k] ? KINDS[r.k].replace(/s$/, "") : r.k) + (r.o ? " · " + r.o : ""));
        o.appendChild(meta);
        if (r.e) {
          var snip = el("span", "search-snippet");
          highlight(snip, r.e, ts);
          o.appendChild(snip);
        }
        group.appendChild(o);
      });
      status.textContent = results.length ? results.length + (results.length === 1 ? " result" : " results") : "No results for \u201c" + q + "\u201d";
      active = -1;
      open(true);
    }
    function run() {
      var q = input.value;
      var mine = ++seq;
      if (!queryTerms(q).length) { list.textContent = ""; status.textContent = ""; open(false); return; }
      s.search(q, filters()).then(function (rs) { if (mine === seq) render(rs, q); })
        .catch(function () { if (mine === seq) status.textContent = "Search is not available."; });
    }

    input.addEventListener("focus", loadFacets);
    input.addEventListener("input", run);
    selects.forEach(function (sel) { sel.addEventListener("change", run); });
    input.addEventListener("keydown", function (e) {
      var n = options().length;
      if (e.key === "ArrowDown") { e.preventDefault(); if (list.hidden) run(); else if (n) setActive((active + 1) % n); }
      else if (e.key === "ArrowUp") { e.preventDefault(); if (n) setActive(active <= 0 ? n - 1 : active - 1); }
      else if (e.key === "Enter") {
        var os = options();
        var target = os[active >= 0 ? active : 0];
        if (target && !list.hidden) { e.preventDefault(); window.location.href = target.href; }
      } else if (e.key === "Escape") {
        if (!list.hidden) { e.preventDefault(); open(false); } else { input.blur(); }
      }
    });
    document.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
      var t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      e.preventDefault();
      input.focus();
    });
    document.addEventListener("click", function (e) { if (!box.contains(e.target)) open(false); });

    // A link with ?q= (the 404 page offers one for a missing alert) opens
    // with that search run.
    var asked = new URLSearchParams(window.location.search).get("q");
    if (asked) { input.value = asked; loadFacets(); run(); }
  }

  // The analysis is exported for tests run with node.
  if (typeof module !== "undefined" && module.exports) {
    module.exports = { terms: terms, queryTerms: queryTerms, exactTerm: exactTerm, Searcher: Searcher };
    return;
  }
  document.querySelectorAll(".search[data-index]").forEach(setup);
})();
