// Search box of the default theme: queries the static export that
// "playbook build" writes under search/, fetching only the shards a query
// needs. Analysis and ranking are the same as in the search package, so
// the box and "playbook search" list the same pages in the same order.
(function () {
  "use strict";

  var WORD = /[\p{L}\p{M}\p{N}]+/gu;
  var LIMIT = 10;
  var PAGE = 50; // results the results page lists at a time
  var STORE_CHUNK = 256; // pages per folder of the document store (search/export.go)
  var KINDS = { guide: "Guides", runbook: "Runbooks", alert: "Alerts", checklist: "Checklists", team: "Teams", persona: "Personas" };

  // The analysis of search/analysis.go, rule for rule.
  var IS_WORD = /[\p{L}\p{M}\p{N}]/u, IS_MARK = /\p{M}/u, IS_LETTER = /[\p{L}\p{M}]/u;
  var IS_CJK = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}\u30fc]/u;
  var IS_UPPER = /[\p{Lu}\p{Lt}]/u, IS_LOWER = /\p{Ll}/u, IS_DIGIT = /\p{N}/u;
  var DIACRITICS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
  var MAX_SUFFIX_PARTS = 8;

  // fold normalizes text: compatibility decomposition, the accents of the
  // Combining Diacritical Marks blocks removed, canonical composition.
  function fold(s) {
    s = String(s);
    if (!/[^\x00-\x7f]/.test(s)) return s;
    return s.normalize("NFKD").replace(DIACRITICS, "").normalize("NFC");
  }

  // lower lowercases one term: rune by rune with the simple case
  // mapping, and a capital sigma at the end of the term becomes a final
  // sigma.
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

  function isConnector(c) { return c === "_" || c === "-" || c === "." || c === ":"; }

  function cls(c) {
    if (IS_UPPER.test(c)) return 1;
    if (IS_LOWER.test(c)) return 2;
    if (IS_DIGIT.test(c)) return 3;
    return 0;
  }

  // parts cuts the word cs[a:b] where letters meet digits and where case
  // changes (kubePod, HTTPServer); a mark has the class of the rune
  // before it.
  function parts(cs, a, b) {
    var c = [], prev = 0, out = [], start = a;
    for (var i = a; i < b; i++) {
      var k = IS_MARK.test(cs[i]) ? prev : cls(cs[i]);
      c.push(k);
      prev = k;
    }
    for (var j = 1; j < c.length; j++) {
      var x = c[j - 1], y = c[j];
      if ((x === 3) !== (y === 3) || (x === 2 && y === 1) || (x === 1 && y === 1 && j + 1 < c.length && c[j + 1] === 2)) {
        out.push([start, a + j]);
        start = a + j;
      }
    }
    out.push([start, b]);
    return out;
  }

  // analyse returns the terms of text: words, parts of words and whole
  // identifiers; with query set, the words only.
  function analyse(text, query) {
    var cs = Array.from(fold(text)), n = cs.length, toks = [], ident = [];
    function str(a, b) { return cs.slice(a, b).join(""); }
    function flush() {
      if (!ident.length) return;
      // A query searches an identifier with a word of one character or
      // of digits only (v1.2.3, 10:30) whole.
      if (query && ident.length > 1 && ident.some(function (w) { return w[1] - w[0] === 1 || /^\p{N}+$/u.test(str(w[0], w[1])); })) {
        toks.push(str(ident[0][0], ident[ident.length - 1][1]));
        ident = [];
        return;
      }
      var end = ident[ident.length - 1][1], all = [];
      if (ident.length > 1 && !query) toks.push(str(ident[0][0], end));
      ident.forEach(function (w) {
        toks.push(str(w[0], w[1]));
        if (query) return;
        var ps = parts(cs, w[0], w[1]);
        all = all.concat(ps);
        if (ps.length === 1) return;
        ps.forEach(function (p) { toks.push(str(p[0], p[1])); });
      });
      // The runs of parts that end the identifier, but the whole and
      // the last part.
      if (!query && all.length <= MAX_SUFFIX_PARTS) {
        for (var k = 1; k < all.length - 1; k++) toks.push(str(all[k][0], end));
      }
      ident = [];
    }
    var i = 0;
    while (i < n) {
      var c = cs[i];
      if (!IS_WORD.test(c)) {
        if (ident.length && ident[ident.length - 1][1] === i && isConnector(c) && i + 1 < n &&
            IS_WORD.test(cs[i + 1]) && !IS_CJK.test(cs[i + 1]) && !IS_MARK.test(cs[i + 1])) { i++; continue; }
        flush();
        i++;
        continue;
      }
      var cjk = IS_CJK.test(c), start = i;
      i++;
      while (i < n && IS_WORD.test(cs[i]) && (IS_MARK.test(cs[i]) || IS_CJK.test(cs[i]) === cjk)) i++;
      if (cjk) {
        flush();
        // Bigrams, as bleve's cjk_bigram filter makes them; a lone
        // character as itself.
        if (i - start === 1) toks.push(cs[start]);
        for (var j = start; j + 1 < i; j++) toks.push(cs[j] + cs[j + 1]);
        continue;
      }
      if (ident.length && ident[ident.length - 1][1] !== start - 1) flush();
      ident.push([start, i]);
    }
    flush();
    return toks.map(lower);
  }

  // terms analyses text into terms, as the index does.
  function terms(text) { return analyse(text, false); }

  // queryTerms are the distinct terms a query searches for.
  function queryTerms(q) {
    var seen = Object.create(null), out = [];
    analyse(q, true).forEach(function (t) {
      if (seen[t]) return;
      seen[t] = true;
      out.push(t);
    });
    return out;
  }

  // exactTerm is the whole query trimmed, normalized and lowercased: the
  // key of exact alert name and title hits.
  function exactTerm(q) { return lower(fold(String(q).trim())); }

  function runes(s) { return Array.from(s).length; }
  function own(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }

  // Close spellings (search/typo.go).
  var MIN_TYPO = 5, LONG_TYPO = 8, TYPO_PREFIX = 5;
  function typoTerm(t, n) {
    var cs = Array.from(t);
    if (cs.length < n) return false;
    for (var i = 0; i < cs.length; i++) if (!IS_LETTER.test(cs[i]) || IS_CJK.test(cs[i])) return false;
    return true;
  }
  function maxEdits(t) { return runes(t) >= LONG_TYPO ? 2 : 1; }
  function typoScore(w, d) { return d <= 1 ? w / 4 : w / 8; }
  function levenshtein(a, b, max) {
    var ra = Array.from(a), rb = Array.from(b);
    if (Math.abs(ra.length - rb.length) > max) return max + 1;
    var prev = [], cur = [];
    for (var j = 0; j <= rb.length; j++) prev[j] = j;
    for (var i = 1; i <= ra.length; i++) {
      cur = [i];
      var low = i;
      for (j = 1; j <= rb.length; j++) {
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ra[i - 1] === rb[j - 1] ? 0 : 1));
        low = Math.min(low, cur[j]);
      }
      if (low > max) return max + 1;
      prev = cur;
    }
    return Math.min(prev[rb.length], max + 1);
  }
  // editDistance is the optimal string alignment distance (a swap of
  // neighbours is one edit), or max+1 when it is more than max.
  function editDistance(a, b, max) {
    var ra = Array.from(a), rb = Array.from(b);
    if (Math.abs(ra.length - rb.length) > max) return max + 1;
    var pp = [], prev = [], cur;
    for (var j = 0; j <= rb.length; j++) prev[j] = j;
    for (var i = 1; i <= ra.length; i++) {
      cur = [i];
      var low = i;
      for (j = 1; j <= rb.length; j++) {
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ra[i - 1] === rb[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && ra[i - 1] === rb[j - 2] && ra[i - 2] === rb[j - 1]) cur[j] = Math.min(cur[j], pp[j - 2] + 1);
        low = Math.min(low, cur[j]);
      }
      if (low > max) return max + 1;
      pp = prev;
      prev = cur;
    }
    return Math.min(prev[rb.length], max + 1);
  }
  function closeDistance(t, u, d) { return levenshtein(t, u, 2) > 2 ? d + 1 : editDistance(t, u, d); }
  function deletionKeys(t, d) {
    var first = Array.from(t).slice(0, TYPO_PREFIX).join("");
    var seen = Object.create(null), level = [first];
    seen[first] = true;
    for (var k = 0; k < d; k++) {
      var next = [];
      level.forEach(function (s) {
        var cs = Array.from(s);
        for (var i = 0; i < cs.length; i++) {
          var v = cs.slice(0, i).concat(cs.slice(i + 1)).join("");
          if (!seen[v]) { seen[v] = true; next.push(v); }
        }
      });
      level = next;
    }
    return Object.keys(seen).sort();
  }
  var utf8 = typeof TextEncoder !== "undefined" ? new TextEncoder() : null;
  function bucketOf(key, n) {
    var bs = utf8.encode(key), h = 2166136261;
    for (var i = 0; i < bs.length; i++) { h ^= bs[i]; h = Math.imul(h, 16777619) >>> 0; }
    return h & (n - 1);
  }

  var BITS = [[1, 10], [2, 8], [4, 4], [8, 3], [16, 1]];
  var WORD_MASK = 31, PART_SHIFT = 5;
  function fieldWeight(mask) {
    for (var i = 0; i < BITS.length; i++) if (mask & BITS[i][0]) return BITS[i][1];
    return 0;
  }
  // matchWeight is what a posting scores for a query term that is the
  // term (exact) or begins it; a part term scores as a prefix does.
  function matchWeight(bits, exact) {
    var w = fieldWeight(bits & WORD_MASK);
    if (!exact) w /= 2;
    return Math.max(w, fieldWeight(bits >> PART_SHIFT) / 2);
  }
  function closeWeight(bits, d) {
    return typoScore(Math.max(fieldWeight(bits & WORD_MASK), fieldWeight(bits >> PART_SHIFT) / 2), d);
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

  // shardKey returns the key of the shard that holds term u: the longest
  // key of the manifest that begins it.
  function shardKey(keys, u) {
    var best = "";
    keys.forEach(function (k) {
      if (u.startsWith(k) && k.length > best.length && (runes(k) >= 2 || k === u)) best = k;
    });
    return best;
  }

  // shards loads the shards of the given keys, as one object of terms.
  Searcher.prototype.shards = function (m, keys) {
    var self = this;
    keys = keys.filter(function (k, i) { return k && keys.indexOf(k) === i; }).sort();
    return Promise.all(keys.map(function (k) { return self.get("s/" + m.s[k] + ".json"); })).then(function (ss) {
      var all = { t: Object.create(null), x: Object.create(null) };
      ss.forEach(function (s) {
        Object.keys(s.t || {}).forEach(function (u) { all.t[u] = s.t[u]; });
        Object.keys(s.x || {}).forEach(function (u) { all.x[u] = s.x[u]; });
      });
      return all;
    });
  };

  // closeTerms returns the indexed terms of letters within distance d of
  // t, from the deletion index, each with its distance; none when the
  // index cannot be fetched.
  Searcher.prototype.closeTerms = function (m, t, d) {
    var self = this;
    if (!m.y) return Promise.resolve([]);
    return this.get("y/" + m.y + ".json").then(function (dir) {
      var keys = deletionKeys(t, d);
      var files = {};
      keys.forEach(function (k) { files[dir[bucketOf(k, dir.length)]] = true; });
      return Promise.all(Object.keys(files).sort().map(function (h) { return self.get("y/" + h + ".json"); })).then(function (bs) {
        var seen = Object.create(null), out = [];
        bs.forEach(function (b) {
          keys.forEach(function (k) {
            (own(b, k) ? b[k] : []).forEach(function (u) {
              if (seen[u] || !typoTerm(u, MIN_TYPO - 1)) return;
              seen[u] = true;
              var dist = closeDistance(t, u, d);
              if (dist <= d) out.push({ term: u, dist: dist });
            });
          });
        });
        out.sort(function (a, b) { return a.dist - b.dist || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0); });
        return out;
      });
    }).catch(function () {
      // Offline, the deletion index may not be saved: no close spellings.
      return [];
    });
  };

  // search returns the best results of q (limit of them, LIMIT when 0),
  // in the order they are listed. The list has a property spelled: the
  // query terms that matched only close spellings, each with the closest.
  Searcher.prototype.search = function (q, filters, limit) {
    var self = this;
    return this.manifest().then(function (m) {
      var ts = queryTerms(q);
      if (!ts.length) return [];
      var keys = Object.keys(m.s);
      var need = [];
      ts.forEach(function (t) {
        keys.forEach(function (k) {
          if (runes(t) === 1 ? k === t : k.startsWith(t) || (t.startsWith(k) && runes(k) >= 2)) need.push(k);
        });
      });
      var kw = exactTerm(q), kwKey = "";
      keys.forEach(function (k) {
        if (runes(k) >= 2 && kw.startsWith(k) && k.length > kwKey.length) kwKey = k;
      });
      need.push(kwKey);
      var facetLoads = [];
      ["kind", "owner", "role"].forEach(function (f) {
        var v = filters && filters[f];
        if (!v) return;
        var h = m.f[f] && m.f[f][v];
        facetLoads.push(h ? self.get("f/" + h + ".json") : Promise.resolve([]));
      });
      return Promise.all([self.shards(m, need), Promise.all(facetLoads)]).then(function (r) {
        var all = r[0], spelled = [];
        // The terms that begin no indexed term look for close spellings.
        var typos = ts.map(function (t) {
          var one = runes(t) === 1;
          var hit = Object.keys(all.t).some(function (u) { return one ? u === t : u.startsWith(t); });
          if (hit || !typoTerm(t, MIN_TYPO)) return Promise.resolve(null);
          return self.closeTerms(m, t, maxEdits(t)).then(function (close) {
            if (close.length) spelled.push([t, close[0].term]);
            return self.shards(m, close.map(function (c) { return shardKey(keys, c.term); })).then(function (s) {
              return close.map(function (c) { return { term: c.term, dist: c.dist, post: s.t[c.term] || [] }; });
            });
          });
        });
        return Promise.all(typos).then(function (close) {
          return self.rank(m, ts, kw, all, close, r[1], limit || LIMIT);
        }).then(function (results) {
          results.spelled = spelled;
          return results;
        });
      });
    });
  };

  // suggest returns q with each term that matches nothing replaced by the
  // closest indexed term within distance 2, or "" when there is none.
  Searcher.prototype.suggest = function (q) {
    var self = this;
    return this.manifest().then(function (m) {
      var ts = queryTerms(q);
      return Promise.all(ts.map(function (t) {
        if (!typoTerm(t, MIN_TYPO - 1)) return Promise.resolve(t);
        return self.closeTerms(m, t, 2).then(function (close) {
          return close.length && close[0].term !== t ? close[0].term : t;
        });
      })).then(function (out) {
        var s = out.join(" ");
        return s === ts.join(" ") ? "" : s;
      });
    });
  };

  Searcher.prototype.rank = function (m, ts, kw, all, close, facets, limit) {
    var best = ts.map(function () { return {}; });
    function score(i, ps, w0) {
      var doc = 0;
      for (var j = 0; j < ps.length; j += 2) {
        doc += ps[j];
        var w = w0(ps[j + 1]);
        if (!(best[i][doc] >= w)) best[i][doc] = w;
      }
    }
    ts.forEach(function (t, i) {
      var one = runes(t) === 1;
      Object.keys(all.t).forEach(function (u) {
        if (one ? u !== t : !u.startsWith(t)) return;
        score(i, all.t[u], function (bits) { return matchWeight(bits, u === t); });
      });
      (close[i] || []).forEach(function (c) {
        score(i, c.post, function (bits) { return closeWeight(bits, c.dist); });
      });
    });
    var allowed = facets.map(function (ids) {
      var set = {}, doc = 0;
      ids.forEach(function (d) { doc += d; set[doc] = true; });
      return set;
    });
    var exact = {};
    var xs = all.x[kw];
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
    var total = hits.length;
    hits = hits.slice(0, limit);
    var self = this;
    return Promise.all(hits.map(function (h) {
      // The store is in chunks of STORE_CHUNK pages, each in a folder
      // named by its hash.
      return self.get("d/" + m.d[Math.floor(h.doc / STORE_CHUNK)] + "/" + h.doc + ".json").then(function (d) { d.score = h.score; return d; });
    })).then(function (rs) {
      rs = groupByKind(rs);
      rs.total = total;
      return rs;
    });
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

  // highlight appends text to el, words with a term that a query term
  // begins marked.
  function highlight(el, text, ts) {
    var last = 0, m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text))) {
      var wt = terms(m[0]);
      if (wt.some(function (t) { return ts.some(function (q) { return t.startsWith(q); }); })) {
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
        // Enter opens the chosen result, or the first; with none, the
        // form leads to the results page.
        var os = options();
        var target = os[active >= 0 ? active : 0];
        if (target && !list.hidden) { e.preventDefault(); window.location.href = target.href; }
      } else if (e.key === "Escape") {
        if (!list.hidden) { e.preventDefault(); open(false); } else { input.blur(); }
      }
    });
    // The box is a form that leads to the results page; while results are
    // listed, submitting it opens the chosen one instead.
    box.addEventListener("submit", function (e) {
      var os = options();
      var target = os[active >= 0 ? active : 0];
      if (target && !list.hidden) { e.preventDefault(); window.location.href = target.href; }
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
    if (asked && !document.querySelector(".search-page")) { input.value = asked; loadFacets(); run(); }
  }

  // setupPage runs the search of the results page (layouts/search.html):
  // every result of ?q=, with filters and snippets, and "did you mean"
  // when nothing matches. Without JavaScript the page is only its form.
  function setupPage(form) {
    var base = form.getAttribute("data-index");
    var site = base.replace(/search\/$/, "");
    var s = new Searcher(base);
    var input = form.querySelector("input[name=q]");
    var selects = form.querySelectorAll("select[data-facet]");
    var status = document.querySelector(".search-page-status");
    var suggest = document.querySelector(".search-page-suggest");
    var out = document.querySelector(".search-page-results");
    var more = document.querySelector(".search-page-more");
    var params = new URLSearchParams(window.location.search);
    var shown = PAGE, seq = 0;
    input.value = params.get("q") || "";
    s.manifest().then(function (m) {
      selects.forEach(function (sel) {
        var f = sel.getAttribute("data-facet");
        Object.keys(m.f[f] || {}).sort().forEach(function (v) {
          var o = el("option", null, f === "kind" ? (KINDS[v] || v) : v);
          o.value = v;
          sel.appendChild(o);
        });
        sel.value = params.get(f) || "";
      });
      form.querySelector(".search-page-filters").hidden = false;
      run();
    }).catch(function () { status.textContent = "Search is not available."; });

    function filters() {
      var f = {};
      selects.forEach(function (sel) { f[sel.getAttribute("data-facet")] = sel.value; });
      return f;
    }
    function link(q) {
      var p = new URLSearchParams();
      p.set("q", q);
      selects.forEach(function (sel) { if (sel.value) p.set(sel.getAttribute("data-facet"), sel.value); });
      return "?" + p.toString();
    }
    function run() {
      var q = input.value, mine = ++seq;
      out.textContent = "";
      suggest.hidden = true;
      more.hidden = true;
      if (!queryTerms(q).length) { status.textContent = "Type words to search for."; return; }
      status.textContent = "Searching\u2026";
      s.search(q, filters(), shown).then(function (rs) {
        if (mine !== seq) return;
        render(rs, q);
        if (!rs.length) {
          return s.suggest(q).then(function (alt) {
            if (mine !== seq || !alt) return;
            suggest.textContent = "Did you mean ";
            var a = el("a", null, alt);
            a.href = link(alt);
            suggest.appendChild(a);
            suggest.appendChild(document.createTextNode("?"));
            suggest.hidden = false;
          });
        }
      }).catch(function () { if (mine === seq) status.textContent = "Search is not available."; });
    }
    function render(rs, q) {
      var ts = queryTerms(q);
      (rs.spelled || []).forEach(function (p) { ts.push(p[1]); });
      out.textContent = "";
      var kind = null, list = null;
      rs.forEach(function (r) {
        if (r.k !== kind) {
          kind = r.k;
          out.appendChild(el("h2", null, KINDS[kind] || kind));
          list = el("ol");
          out.appendChild(list);
        }
        var li = el("li", "search-page-result");
        var a = el("a", "search-title");
        a.href = site + r.u.replace(/^\//, "");
        highlight(a, r.t, ts);
        li.appendChild(a);
        li.appendChild(el("span", "search-meta", (KINDS[r.k] ? KINDS[r.k].replace(/s$/, "") : r.k) + (r.o ? " \u00b7 " + r.o : "") + " \u00b7 " + r.u));
        if (r.e) {
          var snip = el("span", "search-snippet");
          highlight(snip, r.e, ts);
          li.appendChild(snip);
        }
        list.appendChild(li);
      });
      var total = rs.total || rs.length;
      var text = rs.length ? total + (total === 1 ? " result" : " results") + " for \u201c" + q + "\u201d" : "No results for \u201c" + q + "\u201d";
      if (rs.spelled && rs.spelled.length) {
        text += ", with close spellings: " + rs.spelled.map(function (p) { return p[0] + " \u2192 " + p[1]; }).join(", ");
      }
      status.textContent = text;
      more.hidden = total <= rs.length;
    }
    selects.forEach(function (sel) {
      sel.addEventListener("change", function () {
        shown = PAGE;
        history.replaceState(null, "", link(input.value));
        run();
      });
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      shown = PAGE;
      history.pushState(null, "", link(input.value));
      run();
    });
    more.addEventListener("click", function () { shown += PAGE; run(); });
  }

  // The analysis is exported for tests run with node.
  if (typeof module !== "undefined" && module.exports) {
    module.exports = { terms: terms, queryTerms: queryTerms, exactTerm: exactTerm, Searcher: Searcher, deletionKeys: deletionKeys, bucketOf: bucketOf, levenshtein: levenshtein };
    return;
  }
  document.querySelectorAll(".search[data-index]").forEach(setup);
  document.querySelectorAll(".search-page[data-index]").forEach(setupPage);
})();
