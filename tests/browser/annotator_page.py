"""Driving the annotator widget in a real browser page (JupyterLab or Voila)."""

from __future__ import annotations

from playwright.sync_api import expect

# Viewport coordinates of the first and last character of [start, end) in the passage.
_SPAN_POINTS = """([root, start, end]) => {
  const segs = [...root.querySelectorAll('.ck-ann-seg')];
  function point(offset, edge) {
    for (const seg of segs) {
      const s = Number(seg.dataset.start);
      const chars = [...seg.textContent];
      if (offset >= s && offset < s + chars.length) {
        const node = seg.firstChild;
        const local = chars.slice(0, offset - s).join('').length;
        const range = document.createRange();
        range.setStart(node, local);
        range.setEnd(node, local + chars[offset - s].length);
        const rect = range.getClientRects()[0];
        return edge === 'left' ? [rect.left + 1, rect.top + rect.height / 2]
                               : [rect.right - 1, rect.top + rect.height / 2];
      }
    }
    return null;
  }
  return [point(start, 'left'), point(end - 1, 'right')];
}"""


class AnnotatorOnPage:
    """The n-th annotator on a page."""

    def __init__(self, page, index: int = 0) -> None:
        self.page = page
        self.root = page.locator(".ck-annotator:visible").nth(index)
        self.passage = self.root.locator(".ck-ann-passage")
        self.status = self.root.locator(".ck-ann-status")
        self.add = self.root.locator(".ck-ann-add")
        self.items = self.root.locator(".ck-ann-item")

    def wait(self, timeout: float) -> None:
        self.root.wait_for(state="visible", timeout=timeout)

    def drag_select(self, start: int, end: int) -> None:
        """Select article[start:end] by dragging the mouse across it."""
        self.passage.scroll_into_view_if_needed()
        first, last = self.page.evaluate(_SPAN_POINTS, [self.passage.element_handle(), start, end])
        assert first and last, f"characters {start}..{end} are not in the passage"
        self.page.mouse.move(*first)
        self.page.mouse.down()
        self.page.mouse.move((first[0] + last[0]) / 2, (first[1] + last[1]) / 2, steps=5)
        self.page.mouse.move(*last, steps=5)
        self.page.mouse.up()
        expect(self.status).to_contain_text("Marked (mouse)")

    def choose_with_mouse(self, **values: str) -> None:
        for attribute, value in values.items():
            self.root.locator(f"select.ck-ann-{attribute}").select_option(value)

    def focused_class(self) -> str:
        return self.page.evaluate("() => document.activeElement ? document.activeElement.className : ''")
