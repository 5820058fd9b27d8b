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
      items[i].hidden = !!persona && roles.indexOf(persona) < 0;
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
    // Opening a persona's page is choosing it.
    var pathBox = document.querySelector(".path-box[data-persona]");
    if (pathBox && document.body.classList.contains("kind-persona")) setPersona(pathBox.getAttribute("data-persona"));
    else applyPersona();
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
        if (n.tagName !== "INPUT") { pending = norm(n.textContent); continue; }
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

  function ready() {
    setupTheme();
    setupPersona();
    setupPath();
    setupChecks();
    setupOffline();
    setupScrollers();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
