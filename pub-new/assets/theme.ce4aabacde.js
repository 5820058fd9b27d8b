// The default theme's behaviour: colour theme, persona filter of the
// sidebar, progress along a persona's path, checkable checklists and task
// lists, and the offline copy. Everything works without it: it only adds.
// Loaded in <head> without defer, so the chosen theme and persona apply
// before the first paint; the rest waits for the document.
(function () {
  "use strict";
  var root = document.documentElement;
  var PREFIX = "playbook:";

  function load(key, fallback) {
    try {
      var v = localStorage.getItem(PREFIX + key);
      return v === null ? fallback : JSON.parse(v);
    } catch (e) { return fallback; }
  }
  function save(key, value) {
    try {
      if (value === null || value === undefined) localStorage.removeItem(PREFIX + key);
      else localStorage.setItem(PREFIX + key, JSON.stringify(value));
    } catch (e) { /* storage full or disabled: the page still works */ }
  }

  // ---- before first paint ----
  var theme = load("theme", "");
  if (theme === "light" || theme === "dark") root.setAttribute("data-theme", theme);
  var persona = load("persona", "");
  if (persona) root.setAttribute("data-persona", persona);
  root.classList.add("js");

  // hash is FNV-1a over the string, in base 36: a short stable id.
  function hash(s) {
    var h = 0x811c9dc5;
    for (var i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(36);
  }
  function norm(s) { return s.replace(/\s+/g, " ").trim(); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  // ---- colour theme: system, light, dark ----
  function setupTheme() {
    var btn = document.querySelector(".theme-toggle");
    if (!btn) return;
    var order = ["", "light", "dark"];
    var names = { "": "System", light: "Light", dark: "Dark" };
    function show() {
      btn.querySelector(".theme-text").textContent = names[theme];
      btn.setAttribute("aria-label", "Colour theme: " + names[theme] + " (change)");
      btn.setAttribute("data-mode", theme || "system");
    }
    btn.hidden = false;
    show();
    btn.addEventListener("click", function () {
      theme = order[(order.indexOf(theme) + 1) % order.length];
      if (theme) root.setAttribute("data-theme", theme);
      else root.removeAttribute("data-theme");
      save("theme", theme || null);
      show();
    });
  }

  // ---- persona filter of the sidebar, remembered across pages ----
  function setPersona(id) {
    persona = id || "";
    save("persona", persona || null);
    if (persona) root.setAttribute("data-persona", persona);
    else root.removeAttribute("data-persona");
    applyPersona();
  }
  function applyPersona() {
    var items = document.querySelectorAll(".sidebar li[data-roles]");
    for (var i = 0; i < items.length; i++) {
      var roles = items[i].getAttribute("data-roles").split(" ");
      // The page being read stays, whatever the filter.
      var here = items[i].querySelector("a[aria-current=page]");
      items[i].hidden = !here && !!persona && roles.indexOf(persona) < 0;
    }
    var sel = document.getElementById("persona-select");
    if (sel) sel.value = persona;
    var note = document.querySelector(".filter-note");
    if (note) note.hidden = !persona;
    // On a page of several paths, the chosen persona's path comes first
    // and the others step back.
    var navs = document.querySelectorAll(".pathnav");
    var mine = false;
    for (var j = 0; j < navs.length; j++) if (navs[j].getAttribute("data-persona") === persona) mine = true;
    for (var k = 0; k < navs.length; k++) navs[k].hidden = mine && navs[k].getAttribute("data-persona") !== persona;
    var cards = document.querySelectorAll(".personas .card[data-persona]");
    for (var c = 0; c < cards.length; c++) cards[c].classList.toggle("chosen", cards[c].getAttribute("data-persona") === persona);
  }
  function setupPersona() {
    var box = document.querySelector(".persona-filter");
    var sel = document.getElementById("persona-select");
    if (box && sel) {
      box.hidden = false;
      sel.addEventListener("change", function () { setPersona(sel.value); });
    }
    var cards = document.querySelectorAll(".personas .card[data-persona] a");
    for (var i = 0; i < cards.length; i++) {
      cards[i].addEventListener("click", function (ev) {
        setPersona(ev.currentTarget.parentNode.getAttribute("data-persona"));
      });
    }
    applyPersona();
    // A persona's page offers its filter rather than setting it unasked.
    var pathBox = document.querySelector(".path-box[data-persona]");
    if (pathBox && document.body.classList.contains("kind-persona")) offerPersona(pathBox.getAttribute("data-persona"));
  }
  function offerPersona(id) {
    var head = document.querySelector("main .page-head");
    if (!head) return;
    var title = norm((document.querySelector("main h1") || {}).textContent || id);
    var p = el("p", "persona-offer");
    var btn = el("button", "btn btn-quiet");
    btn.type = "button";
    var status = el("span", "persona-offer-status");
    status.setAttribute("role", "status");
    function show() {
      var on = persona === id;
      btn.textContent = on ? "Show every page in the menu" : "Show only pages for " + title + " in the menu";
      btn.setAttribute("aria-pressed", on ? "true" : "false");
      status.textContent = on ? "The menu shows pages for " + title + "." : "";
    }
    btn.addEventListener("click", function () { setPersona(persona === id ? "" : id); show(); });
    p.appendChild(btn);
    p.appendChild(status);
    head.appendChild(p);
    show();
  }

  // ---- progress along a persona's path ----
  function setupPath() {
    var box = document.querySelector(".path-box[data-persona]");
    if (box) {
      var id = box.getAttribute("data-persona");
      var done = load("path:" + id, {});
      var steps = box.querySelectorAll("li[data-step]");
      var bar = box.querySelector(".path-progress");
      var meter = bar.querySelector("progress");
      var text = bar.querySelector(".progress-text");
      var update = function () {
        var n = 0;
        for (var i = 0; i < steps.length; i++) {
          var on = !!done[steps[i].getAttribute("data-step")];
          steps[i].classList.toggle("done", on);
          if (on) n++;
        }
        meter.value = n;
        text.textContent = n + " of " + steps.length + " steps done" + (n === steps.length ? ". Well done!" : "");
      };
      for (var i = 0; i < steps.length; i++) {
        (function (li) {
          var url = li.getAttribute("data-step");
          var title = norm(li.querySelector("a").textContent);
          var label = el("label", "step-done");
          var cb = el("input");
          cb.type = "checkbox";
          cb.checked = !!done[url];
          cb.setAttribute("aria-label", "Done: " + title);
          label.appendChild(cb);
          label.appendChild(el("span", "", "Done"));
          cb.addEventListener("change", function () {
            if (cb.checked) done[url] = 1; else delete done[url];
            save("path:" + id, done);
            update();
          });
          li.insertBefore(label, li.firstChild);
        })(steps[i]);
      }
      bar.hidden = false;
      update();
    }
    // The landing page's cards show how far along each path is.
    var cards = document.querySelectorAll(".personas .card[data-steps]");
    for (var c = 0; c < cards.length; c++) {
      var n = 0, d = load("path:" + cards[c].getAttribute("data-persona"), {});
      for (var k in d) if (Object.prototype.hasOwnProperty.call(d, k)) n++;
      var total = +cards[c].getAttribute("data-steps");
      var small = cards[c].querySelector(".card-steps");
      if (n && small) small.textContent = Math.min(n, total) + " of " + total + " steps done";
    }
  }

  // ---- checklists and task lists ----
  // An item's id is a hash of its page and its text, so ticks survive
  // other items being added, removed or reordered.
  function inlineMarkdown(node) {
    var out = "";
    for (var n = node.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3) { out += n.nodeValue; continue; }
      if (n.nodeType !== 1) continue;
      var tag = n.tagName;
      if (tag === "INPUT" || tag === "LABEL" || tag === "UL" || tag === "OL") continue;
      if (tag === "CODE") out += "`" + n.textContent + "`";
      else if (tag === "STRONG" || tag === "B") out += "**" + inlineMarkdown(n) + "**";
      else if (tag === "EM" || tag === "I") out += "_" + inlineMarkdown(n) + "_";
      else if (tag === "A" && n.href) out += "[" + inlineMarkdown(n) + "](" + n.href + ")";
      else out += inlineMarkdown(n);
    }
    return out;
  }
  // Each body of markdown on the page keeps its own ticks: a runbook
  // shown in place on an alert page shares them with the runbook's page.
  function setupChecks() {
    var boxes = document.querySelectorAll("main .prose");
    var h1 = document.querySelector("main h1");
    for (var b = 0; b < boxes.length; b++) {
      var box = boxes[b], page = document.body.getAttribute("data-page") || location.pathname;
      var title = h1 ? norm(h1.textContent) : document.title;
      var inline = box.parentNode.classList.contains("runbook-inline") && box.parentNode.querySelector("h2 a");
      if (inline) {
        page = inline.pathname;
        title = norm(inline.textContent);
      }
      setupCheckBox(box, page, title);
    }
  }
  // headingText is a heading's text without its anchor link.
  function headingText(h) {
    var out = "";
    for (var n = h.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 1 && n.classList.contains("heading-anchor")) continue;
      out += n.textContent;
    }
    return out;
  }
  function setupCheckBox(box, page, title) {
    var inputs = box.querySelectorAll("li > input[type=checkbox]");
    if (!inputs.length) return;
    var key = "checks:" + page;
    var state = load(key, {});
    var items = [];
    var seen = {};
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i], li = input.parentNode;
      var text = norm(inlineMarkdown(li));
      var id = hash(page + "\n" + text);
      seen[id] = (seen[id] || 0) + 1;
      if (seen[id] > 1) id += "-" + seen[id];
      input.disabled = false;
      input.removeAttribute("disabled");
      input.id = "task-" + id;
      input.setAttribute("data-item", id);
      input.setAttribute("aria-label", norm(li.textContent));
      li.classList.add("task-item");
      input.checked = !!state[id];
      li.classList.toggle("done", input.checked);
      items.push({ input: input, li: li, id: id, text: text });
      input.addEventListener("change", onChange);
    }
    var bar = el("div", "checks-bar");
    var meter = el("progress");
    meter.max = items.length;
    var text = el("p", "progress-text");
    text.setAttribute("role", "status");
    var copy = el("button", "btn", "Copy as markdown");
    copy.type = "button";
    var reset = el("button", "btn btn-quiet", "Reset");
    reset.type = "button";
    var out = el("textarea", "copy-out");
    out.readOnly = true;
    out.hidden = true;
    out.setAttribute("aria-label", "The list as markdown");
    bar.appendChild(meter);
    bar.appendChild(text);
    bar.appendChild(copy);
    bar.appendChild(reset);
    bar.appendChild(out);
    box.parentNode.insertBefore(bar, box);
    var stat = box.parentNode.querySelector(".checks-static");
    if (stat) stat.hidden = true;

    function update() {
      var n = 0;
      for (var i = 0; i < items.length; i++) if (items[i].input.checked) n++;
      meter.value = n;
      text.textContent = n + " of " + items.length + " done";
      bar.classList.toggle("all-done", n === items.length);
    }
    function onChange(ev) {
      var input = ev.target, id = input.getAttribute("data-item");
      if (input.checked) state[id] = 1; else delete state[id];
      input.parentNode.classList.toggle("done", input.checked);
      save(key, Object.keys(state).length ? state : null);
      update();
    }
    reset.addEventListener("click", function () {
      state = {};
      save(key, null);
      for (var i = 0; i < items.length; i++) {
        items[i].input.checked = false;
        items[i].li.classList.remove("done");
      }
      out.hidden = true;
      update();
    });
    copy.addEventListener("click", function () {
      var md = markdown();
      out.value = md;
      bar.setAttribute("data-markdown", md);
      var done = function () { copy.textContent = "Copied"; setTimeout(function () { copy.textContent = "Copy as markdown"; }, 2000); };
      var fallback = function () {
        out.hidden = false;
        out.select();
        try { if (document.execCommand("copy")) { done(); return; } } catch (e) { /* shown for copying by hand */ }
        copy.textContent = "Select and copy below";
      };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(md).then(done, fallback);
      else fallback();
    });
    // markdown is the list with its ticks and the headings above its
    // parts, ready to paste into a ticket.
    function markdown() {
      var lines = ["## " + title, ""];
      var walker = box.querySelectorAll("h2, h3, h4, li > input[type=checkbox]");
      var pending = null;
      for (var i = 0; i < walker.length; i++) {
        var n = walker[i];
        if (n.tagName !== "INPUT") { pending = norm(headingText(n)); continue; }
        if (pending !== null) {
          if (lines[lines.length - 1] !== "") lines.push("");
          lines.push("### " + pending, "");
          pending = null;
        }
        var depth = 0;
        for (var p = n.parentNode.parentNode; p && p !== box; p = p.parentNode) if (p.tagName === "LI") depth++;
        var item = items.filter(function (it) { return it.input === n; })[0];
        lines.push(new Array(depth + 1).join("  ") + "- [" + (n.checked ? "x" : " ") + "] " + item.text);
      }
      return lines.join("\n") + "\n";
    }
    update();
  }

  // ---- offline copies ----
  // The service worker marks a page it served from its saved copies.
  function setupOffline() {
    var sw = document.body.getAttribute("data-sw");
    if (sw && "serviceWorker" in navigator && window.isSecureContext) {
      navigator.serviceWorker.register(sw, { scope: document.body.getAttribute("data-base") || "/", updateViaCache: "none" }).catch(function () {});
    }
    var note = document.querySelector(".offline-note");
    if (!note) return;
    var saved = document.body.getAttribute("data-offline-copy");
    var when = note.querySelector(".offline-when");
    if (saved !== null && when) {
      var d = new Date(saved);
      if (!isNaN(d)) when.textContent = " on " + d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    }
    var show = function () { note.hidden = saved === null && navigator.onLine; };
    window.addEventListener("online", show);
    window.addEventListener("offline", show);
    show();
  }

  // Code blocks and tables that scroll sideways can be scrolled with the
  // keyboard.
  function setupScrollers() {
    var els = document.querySelectorAll("main pre, main table");
    for (var i = 0; i < els.length; i++) {
      if (els[i].scrollWidth > els[i].clientWidth && !els[i].hasAttribute("tabindex")) els[i].setAttribute("tabindex", "0");
    }
  }


  // ---- phone: the sidebar as a drawer, search full screen ----
  function setupDrawer() {
    var btn = document.querySelector(".nav-toggle");
    var side = document.getElementById("sidebar");
    if (!btn || !side) return;
    btn.hidden = false;
    var close = el("button", "btn btn-quiet drawer-close", "Close");
    close.type = "button";
    close.setAttribute("aria-label", "Close the menu");
    side.insertBefore(close, side.firstChild);
    var phone = window.matchMedia("(max-width: 59.99rem)");
    function set(open) {
      side.classList.toggle("open", open);
      root.classList.toggle("drawer-active", open);
      btn.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) {
        side.setAttribute("role", "dialog");
        side.setAttribute("aria-modal", "true");
        var here = side.querySelector("a[aria-current=page]") || close;
        close.focus();
        if (here !== close) here.scrollIntoView({ block: "center" });
      } else {
        side.removeAttribute("role");
        side.removeAttribute("aria-modal");
      }
    }
    btn.addEventListener("click", function () { set(!side.classList.contains("open")); });
    close.addEventListener("click", function () { set(false); btn.focus(); });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && side.classList.contains("open")) { set(false); btn.focus(); }
    });
    // A tap beside the drawer closes it.
    document.addEventListener("click", function (e) {
      if (side.classList.contains("open") && !side.contains(e.target) && !btn.contains(e.target)) set(false);
    });
    var changed = function () { if (!phone.matches) set(false); };
    if (phone.addEventListener) phone.addEventListener("change", changed);
  }

  function setupSearchPhone() {
    var box = document.querySelector(".top .search");
    var input = box && box.querySelector(".search-input");
    if (!input) return;
    var phone = window.matchMedia("(max-width: 59.99rem)");
    var close = el("button", "search-close", "Close");
    close.type = "button";
    close.setAttribute("aria-label", "Close search");
    input.parentNode.insertBefore(close, input.nextSibling);
    function set(open) {
      box.classList.toggle("search-open", open);
      root.classList.toggle("search-active", open);
    }
    input.addEventListener("focus", function () { if (phone.matches) set(true); });
    close.addEventListener("click", function () { set(false); input.blur(); });
    box.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && !e.defaultPrevented && box.classList.contains("search-open")) { set(false); input.blur(); }
    });
    if (phone.addEventListener) phone.addEventListener("change", function () { if (!phone.matches) set(false); });
  }

  // ---- heading anchors ----
  function setupAnchors() {
    var hs = document.querySelectorAll("main .prose h2[id], main .prose h3[id], main .prose h4[id]");
    for (var i = 0; i < hs.length; i++) {
      var a = el("a", "heading-anchor", "#");
      a.href = "#" + hs[i].id;
      a.setAttribute("aria-label", "Link to the section " + norm(hs[i].textContent));
      hs[i].appendChild(a);
    }
  }

  // ---- code blocks: copy ----
  // codeText is what a code block copies: its text, without the prompts
  // of command lines in console (shell session) blocks, and without the
  // final newline, so that a pasted command waits for Enter.
  var SESSIONS = { console: 1, "shell-session": 1, shellsession: 1, "bash-session": 1, "sh-session": 1, "terminal": 1 };
  function codeLang(pre) {
    var lang = pre.getAttribute("data-lang");
    if (!lang) {
      var code = pre.querySelector("code[class*=language-]");
      var m = code && /(?:^|\s)language-(\S+)/.exec(code.className);
      lang = m ? m[1] : "";
    }
    return lang.toLowerCase();
  }
  // In a console block with prompts, the lines without one are the
  // commands' output and are left out too (a pasted output line would run
  // as a command), except the continuations of a command ending in "\".
  function codeText(pre) {
    var text = pre.textContent.replace(/\r\n/g, "\n").replace(/\n+$/, "");
    if (!SESSIONS[codeLang(pre)]) return text;
    var lines = text.split("\n"), prompt = /^(\$|#) /;
    if (!lines.some(function (l) { return prompt.test(l); })) return text;
    var out = [], cont = false;
    for (var i = 0; i < lines.length; i++) {
      var l = lines[i];
      if (prompt.test(l)) l = l.replace(prompt, "");
      else if (!cont) continue;
      out.push(l);
      cont = /\\$/.test(l);
    }
    return out.join("\n");
  }
  function copyText(text, done, fail) {
    var fallback = function () {
      var t = el("textarea");
      t.value = text;
      t.setAttribute("readonly", "");
      t.className = "copy-scratch";
      document.body.appendChild(t);
      t.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(t);
      if (ok) done(); else fail();
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
    else fallback();
  }
  function setupCopy() {
    var pres = document.querySelectorAll("main pre");
    for (var i = 0; i < pres.length; i++) {
      (function (pre) {
        if (pre.parentNode.classList.contains("code-wrap")) return;
        var wrap = el("div", "code-wrap");
        pre.parentNode.insertBefore(wrap, pre);
        wrap.appendChild(pre);
        var btn = el("button", "copy-code", "Copy");
        btn.type = "button";
        btn.setAttribute("aria-label", "Copy the code");
        var status = el("span", "visually-hidden");
        status.setAttribute("role", "status");
        wrap.appendChild(btn);
        wrap.appendChild(status);
        var timer = 0;
        btn.addEventListener("click", function () {
          var text = codeText(pre);
          wrap.setAttribute("data-copied", text);
          var say = function (label, msg) {
            btn.textContent = label;
            status.textContent = msg;
            clearTimeout(timer);
            timer = setTimeout(function () { btn.textContent = "Copy"; status.textContent = ""; }, 2000);
          };
          copyText(text, function () { say("Copied", "Code copied"); },
            function () { say("Select it", "Copying is not allowed here: select the code and copy it"); });
        });
      })(pres[i]);
    }
  }

  // ---- the firing alert's context ----
  // Alertmanager's runbook_url can carry the alert's labels in the query
  // string (?namespace=prod&cluster=eu-1&startsAt=...). They are shown as
  // text, fill the {{name}} placeholders the page declares (front matter
  // params:, with their defaults), and give dashboard links the alert's
  // time window.
  var MAX_PARAMS = 32, MAX_VALUE = 256;
  function queryLabels() {
    var out = [];
    var q;
    try { q = new URLSearchParams(location.search); } catch (e) { return out; }
    q.forEach(function (v, k) {
      if (out.length >= MAX_PARAMS || k === "q" || !k) return;
      out.push([k.slice(0, 64), v.slice(0, MAX_VALUE)]);
    });
    return out;
  }
  function timeOf(s) {
    if (!s) return null;
    var d = /^\d{9,13}$/.test(s) ? new Date(s.length > 10 ? +s : +s * 1000) : new Date(s);
    return isNaN(d) ? null : d;
  }
  // fill replaces {{name}} in the text of node by values[name], across
  // the spans a highlighter split it into; the values are text.
  function fill(node, values) {
    var walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    var nodes = [], text = "";
    for (var n = walker.nextNode(); n; n = walker.nextNode()) { nodes.push({ n: n, at: text.length }); text += n.nodeValue; }
    var re = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, m, found = [];
    while ((m = re.exec(text))) if (Object.prototype.hasOwnProperty.call(values, m[1])) found.push({ from: m.index, to: m.index + m[0].length, name: m[1] });
    var where = function (pos, end) {
      for (var i = nodes.length - 1; i >= 0; i--) {
        if (nodes[i].at < pos || (!end && nodes[i].at === pos)) return { n: nodes[i].n, off: pos - nodes[i].at };
      }
      return { n: nodes[0].n, off: 0 };
    };
    for (var j = found.length - 1; j >= 0; j--) {
      var f = found[j], a = where(f.from, false), b = where(f.to, true);
      var r = document.createRange();
      r.setStart(a.n, a.off);
      r.setEnd(b.n, b.off);
      r.deleteContents();
      var span = el("span", "param-value " + (values[f.name].fromAlert ? "param-alert" : "param-default"), values[f.name].value);
      span.setAttribute("data-param", f.name);
      span.title = f.name + (values[f.name].fromAlert ? " (from the alert)" : " (default)");
      r.insertNode(span);
    }
    return found.length;
  }
  function setupFiring() {
    var labels = queryLabels();
    var declared = [];
    try { declared = JSON.parse(document.body.getAttribute("data-params") || "[]"); } catch (e) { declared = []; }
    var given = {};
    for (var i = 0; i < labels.length; i++) given[labels[i][0]] = labels[i][1];
    var values = {}, filled = [];
    for (var d = 0; d < declared.length; d++) {
      var name = declared[d][0], def = declared[d][1];
      if (Object.prototype.hasOwnProperty.call(given, name) && given[name] !== "") { values[name] = { value: given[name], fromAlert: true }; filled.push(name); }
      else if (def) values[name] = { value: def, fromAlert: false };
    }
    if (Object.keys(values).length) {
      var codes = document.querySelectorAll("main pre, main :not(pre) > code");
      for (var c = 0; c < codes.length; c++) if (codes[c].textContent.indexOf("{{") >= 0) fill(codes[c], values);
    }
    var starts = timeOf(given.startsAt), ends = timeOf(given.endsAt);
    var box = document.getElementById("firing");
    if (!box || !labels.length) return;
    var dl = box.querySelector(".firing-labels");
    for (var k = 0; k < labels.length; k++) {
      if (labels[k][0] === "startsAt" || labels[k][0] === "endsAt") continue;
      dl.appendChild(el("dt", "", labels[k][0]));
      dl.appendChild(el("dd", "", labels[k][1]));
    }
    if (!dl.firstChild) dl.hidden = true;
    var when = box.querySelector(".firing-when");
    if (starts) {
      var fmt = function (t) { return t.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }); };
      var mins = Math.max(0, Math.round(((ends || new Date()) - starts) / 60000));
      var took = mins < 120 ? mins + " min" : Math.floor(mins / 60) + " h " + (mins % 60) + " min";
      when.textContent = (ends ? "Fired " + fmt(starts) + ", resolved " + fmt(ends) + " (after " + took + ")." : "Firing since " + fmt(starts) + " (" + took + ").");
      dashboards(starts, ends);
    } else when.hidden = true;
    var note = box.querySelector(".firing-filled");
    note.textContent = filled.length ? "Commands on this page use the alert's " + filled.join(", ") + "." : "";
    note.hidden = !filled.length;
    box.hidden = false;
  }
  // dashboards gives the page's dashboard links (and links to the same
  // host in the text) Grafana's from and to: 30 minutes before the alert
  // started, to its end or now.
  function dashboards(starts, ends) {
    var dash = document.querySelector("main a[data-dashboard]");
    if (!dash) return;
    var host;
    try { host = new URL(dash.href).host; } catch (e) { return; }
    var links = document.querySelectorAll("main a[href]");
    for (var i = 0; i < links.length; i++) {
      var u;
      try { u = new URL(links[i].href); } catch (e) { continue; }
      if (u.host !== host || (u.protocol !== "https:" && u.protocol !== "http:")) continue;
      u.searchParams.set("from", String(starts.getTime() - 30 * 60000));
      u.searchParams.set("to", ends ? String(ends.getTime() + 10 * 60000) : "now");
      links[i].href = u.toString();
      links[i].setAttribute("data-window", "alert");
    }
  }

  function ready() {
    setupTheme();
    setupPersona();
    setupPath();
    setupChecks();
    setupFiring();
    setupOffline();
    setupAnchors();
    setupCopy();
    setupDrawer();
    setupSearchPhone();
    setupScrollers();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
