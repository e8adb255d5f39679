// coursekit annotator: mark spans of a passage and code who speaks, how, on what, for or against.
//
// The front-end of coursekit.annotator.Annotator (an anywidget).  No network,
// no build step, no dependencies.  Every piece of case text reaches the page
// through textContent, never as HTML; the one HTML string set here is the
// comparison the Python side renders (escaped there) for lessons.
//
// Keyboard (the passage is an ARIA multi-select listbox of clauses):
//   Left/Right or Up/Down  move the clause cursor
//   Shift + arrows         extend the selection from where it started
//   Home / End             first / last clause (with Shift: extend)
//   Space                  select only the clause under the cursor
//   Enter                  take the selected clauses as the span to code
//   Escape                 clear the selection
// JupyterLab's command-mode shortcuts (arrows, A, B, R, D D, 0 0, ...) do not
// fire while focus is inside the widget; Ctrl/Alt/Cmd shortcuts do (see scopeKeys).

const ATTRS = ["speaker", "mode", "topic", "stance"];
const LABELS = { speaker: "Speaker", mode: "Mode", topic: "Topic", stance: "Stance" };

// Lumino matches a shortcut's selector from the key event's target upwards and
// stops at the first element carrying data-lm-suppress-shortcuts: the target
// itself must carry it, or selectors ending in ":focus" (the notebook's
// command-mode ones) match it first.  So, as the kit's KeyboardScope does, every
// plain key pressed inside the annotator marks its target (capture phase, before
// JupyterLab sees the event), and a key held with Ctrl, Alt or Cmd unmarks it:
// Ctrl+S still saves the notebook from inside the widget.
const SUPPRESS = "data-lm-suppress-shortcuts";

function scopeKeys(root) {
  root.addEventListener("keydown", (event) => {
    const target = event.target;
    if (!(target instanceof Element)) return;
    if (event.ctrlKey || event.altKey || event.metaKey) target.removeAttribute(SUPPRESS);
    else target.setAttribute(SUPPRESS, "true");
  }, true);
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

// JavaScript strings count UTF-16 code units; Python offsets count code points.
function codePoints(text) {
  return [...text].length;
}

let counter = 0;

function render({ model, el: host }) {
  const uid = `ck-ann-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const role = model.get("role");
  const root = el("div", {
    class: "ck-annotator",
    role: "group",
    "aria-label": model.get("label") || "Annotator",
  });
  scopeKeys(root);
  host.append(root);

  const instructions = el("p", { class: "ck-ann-help", id: `${uid}-help` });
  instructions.textContent =
    "Select words with the mouse, or focus the passage and use the arrow keys to move between " +
    "clauses (Shift + arrows to extend, Enter to take the selection). Then choose the speaker, " +
    "mode, topic and stance, and add the coded span.";
  const passage = el("div", {
    class: "ck-ann-passage",
    role: "listbox",
    tabindex: "0",
    "aria-multiselectable": "true",
    "aria-label": "Passage of the article, by clause",
    "aria-describedby": `${uid}-help`,
  });
  const status = el("p", { class: "ck-ann-status", role: "status", "aria-live": "polite" });
  const form = el("fieldset", { class: "ck-ann-form" });
  const legend = el("legend", { text: role === "author" ? "New claim for the marked span" : "Code the marked span" });
  form.append(legend);
  const selects = {};
  for (const attr of ATTRS) {
    const id = `${uid}-${attr}`;
    const select = el("select", { id, class: `ck-ann-${attr}` });
    select.append(el("option", { value: "", text: `(choose a ${attr})` }));
    for (const [value, label] of model.get(`${attr}_options`) || []) {
      select.append(el("option", { value, text: label }));
    }
    selects[attr] = select;
    form.append(el("div", { class: "ck-ann-field" }, el("label", { for: id, text: LABELS[attr] }), select));
  }
  const conditionId = `${uid}-condition`;
  const condition = el("input", { id: conditionId, type: "text", class: "ck-ann-condition", autocomplete: "off" });
  form.append(el("div", { class: "ck-ann-field" },
    el("label", { for: conditionId, text: "Condition (optional, e.g. “unless …”)" }), condition));
  const extra = {};
  if (role === "author") {
    for (const [name, label] of [["claim_id", "Claim id"], ["summary", "Summary (one sentence for students)"]]) {
      const id = `${uid}-${name}`;
      extra[name] = el("input", { id, type: "text", class: `ck-ann-${name}`, autocomplete: "off" });
      form.append(el("div", { class: "ck-ann-field" }, el("label", { for: id, text: label }), extra[name]));
    }
  }
  const addButton = el("button", {
    type: "button",
    class: "ck-ann-add",
    text: role === "author" ? "Add claim to claims.csv" : "Add coded span",
  });
  form.append(addButton);
  const listHeading = el("h4", { id: `${uid}-list`, class: "ck-ann-list-heading",
    text: role === "author" ? "Spans of existing claims" : "Your coded spans" });
  const list = el("ol", { class: "ck-ann-list", "aria-labelledby": `${uid}-list` });
  const note = el("p", { class: "ck-ann-note" });
  root.append(instructions, passage, status, form, listHeading, list, note);
  let compareButton = null;
  let comparison = null;
  if (role === "lesson") {
    compareButton = el("button", { type: "button", class: "ck-ann-compare", text: "Compare with the key" });
    comparison = el("div", { class: "ck-ann-comparison", role: "region", "aria-live": "polite",
      "aria-label": "Your coding beside the key" });
    root.append(compareButton, comparison);
  }
  if (role === "exercise") {
    note.textContent =
      "Your coding is kept in this notebook when you save it (File › Save Notebook). " +
      "It is marked when you hand the notebook in.";
  }

  // --- state -------------------------------------------------------------
  const units = []; // {id, start, end, node}
  let active = 0;
  let anchor = 0;
  let selected = null; // [first, last] unit indices, for the keyboard
  let pending = null; // {start, end}: the span to code

  function coding() {
    return model.get("coding") || [];
  }

  function unitText(start, end) {
    // the article text of [start, end) from the units (which tile the passage)
    let out = "";
    for (const u of model.get("units")) {
      const [s, e, text] = u;
      if (e <= start || s >= end) continue;
      const chars = [...text];
      out += chars.slice(Math.max(0, start - s), Math.min(e, end) - s).join("");
    }
    return out;
  }

  function short(text, width = 80) {
    const one = text.split(/\s+/).join(" ").trim();
    return one.length <= width ? one : one.slice(0, width - 1).replace(/\s+\S*$/, "") + "…";
  }

  function label(attr, value) {
    if (!value) return "—";
    const found = (model.get(`${attr}_options`) || []).find(([v]) => v === value);
    return found ? found[1] : value;
  }

  // --- the passage -------------------------------------------------------
  function drawPassage() {
    passage.replaceChildren();
    units.length = 0;
    const covered = coding().map((c) => [c.start, c.end]);
    const existing = model.get("existing") || [];
    let paragraph = null;
    let lastPara = null;
    model.get("units").forEach(([start, end, text, para], i) => {
      if (para !== lastPara) {
        paragraph = el("div", { class: "ck-ann-para", role: "presentation" });
        paragraph.append(el("span", { class: "ck-ann-pnum", "aria-hidden": "true", text: `¶${para} ` }));
        passage.append(paragraph);
        lastPara = para;
      }
      const id = `${uid}-u${i}`;
      const node = el("span", { id, role: "option", class: "ck-ann-unit", "aria-selected": "false",
        "data-start": String(start), "data-end": String(end) });
      // split the clause where coded spans begin or end, so marks show inside it
      const cuts = new Set([start, end]);
      for (const [s, e] of [...covered, ...existing.map((x) => [x[0], x[1]])]) {
        if (s > start && s < end) cuts.add(s);
        if (e > start && e < end) cuts.add(e);
      }
      const points = [...cuts].sort((a, b) => a - b);
      const chars = [...text];
      for (let k = 0; k + 1 < points.length; k++) {
        const [s, e] = [points[k], points[k + 1]];
        const seg = el("span", { class: "ck-ann-seg", "data-start": String(s) });
        seg.textContent = chars.slice(s - start, e - start).join("");
        const inCoded = covered.some(([cs, ce]) => cs <= s && e <= ce);
        const inExisting = existing.some(([cs, ce]) => cs <= s && e <= ce);
        if (inCoded) seg.classList.add("ck-ann-coded");
        if (inExisting) seg.classList.add("ck-ann-existing");
        node.append(seg);
      }
      paragraph.append(node);
      units.push({ id, start, end, node });
    });
    showSelection();
  }

  function showSelection() {
    units.forEach((u, i) => {
      const on = selected !== null && i >= selected[0] && i <= selected[1];
      u.node.setAttribute("aria-selected", on ? "true" : "false");
      u.node.classList.toggle("ck-ann-selected", on);
      u.node.classList.toggle("ck-ann-active", i === active);
    });
    if (units[active]) passage.setAttribute("aria-activedescendant", units[active].id);
  }

  function setPending(start, end, how) {
    // trim whitespace at both ends: the span holds words, not the gaps between them
    const text = unitText(start, end);
    const chars = [...text];
    let a = 0;
    let b = chars.length;
    while (a < b && /\s/.test(chars[a])) a++;
    while (b > a && /\s/.test(chars[b - 1])) b--;
    if (a >= b) return;
    pending = { start: start + a, end: start + b };
    status.textContent = `Marked (${how}): “${short(chars.slice(a, b).join(""))}”. Now choose the speaker, mode, topic and stance.`;
    updateButton();
  }

  function takeKeyboardSelection() {
    if (selected === null) selected = [active, active];
    setPending(units[selected[0]].start, units[selected[1]].end, "keyboard");
  }

  passage.addEventListener("keydown", (event) => {
    const n = units.length;
    if (!n) return;
    let move = null;
    if (event.key === "ArrowRight" || event.key === "ArrowDown") move = Math.min(n - 1, active + 1);
    else if (event.key === "ArrowLeft" || event.key === "ArrowUp") move = Math.max(0, active - 1);
    else if (event.key === "Home") move = 0;
    else if (event.key === "End") move = n - 1;
    if (move !== null) {
      if (event.shiftKey) {
        if (selected === null) anchor = active;
        active = move;
        selected = [Math.min(anchor, active), Math.max(anchor, active)];
      } else {
        active = move;
        anchor = move;
        selected = null;
      }
      showSelection();
      const u = units[active];
      status.textContent = selected
        ? `Selected: “${short(unitText(units[selected[0]].start, units[selected[1]].end))}”. Press Enter to mark it.`
        : `Clause ${active + 1} of ${n}: “${short(unitText(u.start, u.end))}”`;
    } else if (event.key === " " || event.key === "Spacebar") {
      anchor = active;
      selected = [active, active];
      showSelection();
      status.textContent = `Selected: “${short(unitText(units[active].start, units[active].end))}”. Press Enter to mark it.`;
    } else if (event.key === "Enter") {
      takeKeyboardSelection();
      selects.speaker.focus();
    } else if (event.key === "Escape") {
      selected = null;
      showSelection();
      status.textContent = "Selection cleared.";
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  });

  // --- the mouse ---------------------------------------------------------
  function offsetOf(node, offset) {
    // the article offset of a DOM position inside the passage, or null
    let seg = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    if (seg && seg.classList && seg.classList.contains("ck-ann-unit")) {
      // a position between children of a clause: take the child at that index
      const child = seg.childNodes[Math.min(offset, seg.childNodes.length - 1)];
      const s = Number(child.dataset.start);
      return offset >= seg.childNodes.length ? Number(seg.dataset.end) : s;
    }
    while (seg && !(seg.classList && seg.classList.contains("ck-ann-seg"))) seg = seg.parentElement;
    if (!seg || !passage.contains(seg)) return null;
    const text = node.nodeType === Node.TEXT_NODE ? node.textContent.slice(0, offset) : "";
    return Number(seg.dataset.start) + codePoints(text);
  }

  passage.addEventListener("mouseup", () => {
    const sel = window.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount) return;
    const range = sel.getRangeAt(0);
    if (!passage.contains(range.startContainer) || !passage.contains(range.endContainer)) return;
    const a = offsetOf(range.startContainer, range.startOffset);
    const b = offsetOf(range.endContainer, range.endOffset);
    if (a === null || b === null || a === b) return;
    setPending(Math.min(a, b), Math.max(a, b), "mouse");
  });

  // --- coding a span -----------------------------------------------------
  function updateButton() {
    const complete = pending !== null && ATTRS.every((a) => selects[a].value);
    const authorOk = role !== "author" || (extra.claim_id.value.trim() && extra.summary.value.trim());
    addButton.disabled = !(complete && authorOk);
    addButton.setAttribute("aria-disabled", addButton.disabled ? "true" : "false");
  }
  for (const input of [...Object.values(selects), ...Object.values(extra)]) {
    input.addEventListener("change", updateButton);
    input.addEventListener("input", updateButton);
  }

  addButton.addEventListener("click", () => {
    if (addButton.disabled || pending === null) return;
    const entry = { start: pending.start, end: pending.end };
    for (const attr of ATTRS) entry[attr] = selects[attr].value;
    entry.condition = condition.value.trim();
    if (role === "author") {
      model.send({ type: "add_claim", claim: { ...entry, claim_id: extra.claim_id.value.trim(),
        summary: extra.summary.value.trim() } });
      status.textContent = "Checking the new claim against the case…";
      return;
    }
    pending = null;
    selected = null;
    condition.value = "";
    model.set("coding", [...coding(), entry]);
    model.set("edited", Date.now());
    model.save_changes();
    status.textContent = `Added: “${short(unitText(entry.start, entry.end))}” — ${label("speaker", entry.speaker)}.`;
    // the button is disabled now (nothing marked): keep focus in the widget, on the passage
    passage.focus();
    updateButton();
  });

  function drawList() {
    list.replaceChildren();
    const items = role === "author" ? (model.get("existing") || []).map(([s, e, id]) => ({ start: s, end: e, id })) : coding();
    items.forEach((c, i) => {
      const text = role === "author"
        ? `${c.id}: “${short(unitText(c.start, c.end), 60)}”`
        : `“${short(unitText(c.start, c.end), 60)}” — ${ATTRS.map((a) => label(a, c[a])).join(", ")}` +
          (c.condition ? `; condition: ${short(c.condition, 40)}` : "");
      const item = el("li", { class: "ck-ann-item" }, el("span", { text }));
      if (role !== "author") {
        item.append(" ", el("button", {
          type: "button", class: "ck-ann-remove", text: "Remove", "aria-label": `Remove coded span ${i + 1}`,
          onclick: () => {
            const next = coding().filter((_, k) => k !== i);
            model.set("coding", next);
            model.set("edited", Date.now());
            model.save_changes();
            status.textContent = `Removed coded span ${i + 1}.`;
            passage.focus();  // the button is gone with its list item
          },
        }));
      }
      list.append(item);
    });
    if (!items.length) list.append(el("li", { class: "ck-ann-empty", text: "None yet." }));
  }

  if (compareButton) {
    compareButton.addEventListener("click", () => model.send({ type: "compare" }));
    const showComparison = () => {
      // HTML rendered and escaped by coursekit.annotator.render_coding_comparison
      comparison.innerHTML = model.get("comparison") || "";
    };
    model.on("change:comparison", showComparison);
    showComparison();
  }

  model.on("change:status", () => {
    const message = model.get("status");
    if (message) status.textContent = message;
  });
  model.on("change:coding", () => { drawPassage(); drawList(); });
  model.on("change:existing", () => { drawPassage(); drawList(); pending = null; updateButton(); });
  drawPassage();
  drawList();
  updateButton();
  return () => root.remove();
}

export default { render };
