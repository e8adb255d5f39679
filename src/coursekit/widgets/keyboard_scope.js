// coursekit keyboard scope: plain keys pressed inside a kit widget belong to the widget.
//
// JupyterLab's command-mode shortcuts (ArrowDown: next cell, "m": make the
// cell Markdown, Enter: edit the cell, ...) use the selector
// ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus", which
// matches a focused dropdown, list, radio button or button inside an output.
// Lumino's CommandRegistry skips every shortcut for a key event whose target
// (or an element between the target and the element a shortcut's selector
// matches) carries the attribute data-lm-suppress-shortcuts.
//
// This view renders nothing.  It finds the kit widget it sits in (the nearest
// ancestor with class ck-widget) and, for every key pressed inside it, sets
// that attribute on the key's target before the event reaches JupyterLab
// (capture phase on the box; JupyterLab listens on the document).  Keys held
// with Ctrl, Alt or Cmd are left to JupyterLab (Ctrl+S still saves), and Tab
// is no shortcut, so focus moves in and out of the widget as usual.
//
// It also makes each ipywidgets RadioButtons inside the box one radio group
// (ipywidgets gives its radio inputs no shared name, so every option is a Tab
// stop and screen readers hear no group): a shared name, role="radiogroup"
// and the description as the group's label.  Tab then enters and leaves the
// group in one step, and the arrow keys move between its options.
//
// And when a button inside the box is clicked (mouse, Enter or Space), it tells
// the kernel which radio option was checked on the page at that moment.
// ipywidgets may hold back a state update (the choice) while earlier messages
// are pending, but sends a button's click at once; the self-check question
// then checks the choice the student sees, not the one the kernel last heard of.
const ATTRIBUTE = "data-lm-suppress-shortcuts";
const RETRY_MS = 50;
const MAX_TRIES = 400; // 20 s: the box may attach this view to the page after rendering it

function onKeydown(event) {
  const target = event.target;
  if (!(target instanceof Element)) {
    return;
  }
  if (event.ctrlKey || event.altKey || event.metaKey) {
    target.removeAttribute(ATTRIBUTE);
  } else {
    target.setAttribute(ATTRIBUTE, "true");
  }
}

let groups = 0;

function tidyRadioGroups(box) {
  for (const group of box.querySelectorAll(".widget-radio-box")) {
    if (!group.dataset.ckGroup) {
      group.dataset.ckGroup = `ck-radio-${++groups}`;
      group.setAttribute("role", "radiogroup");
      const label = group.parentElement?.querySelector(":scope > .widget-label");
      if (label && label.textContent.trim()) {
        group.setAttribute("aria-label", label.textContent.trim());
      }
    }
    for (const input of group.querySelectorAll('input[type="radio"]')) {
      if (input.name !== group.dataset.ckGroup) {
        input.name = group.dataset.ckGroup;
      }
    }
  }
}

function checkedIndex(box) {
  const radios = [...box.querySelectorAll('.widget-radio-box input[type="radio"]')];
  return radios.findIndex((radio) => radio.checked);
}

function render({ model, el }) {
  el.style.display = "none";
  let box = null;
  let tries = 0;
  let timer = null;
  let observer = null;
  const onClick = (event) => {
    if (event.target instanceof Element && event.target.closest("button")) {
      model.send({ event: "button-click", checked: checkedIndex(box) });
    }
  };
  const attach = () => {
    box = el.closest(".ck-widget");
    if (box) {
      box.addEventListener("keydown", onKeydown, true);
      box.addEventListener("click", onClick, true);
      tidyRadioGroups(box);
      // Child views render asynchronously, and ipywidgets rebuilds radios when options change.
      observer = new MutationObserver(() => tidyRadioGroups(box));
      observer.observe(box, { childList: true, subtree: true });
      box.classList.add("ck-keyboard-scope");
    } else if (++tries < MAX_TRIES) {
      timer = setTimeout(attach, RETRY_MS);
    }
  };
  attach();
  return () => {
    clearTimeout(timer);
    observer?.disconnect();
    if (box) {
      box.removeEventListener("keydown", onKeydown, true);
      box.removeEventListener("click", onClick, true);
    }
  };
}

export default { render };
