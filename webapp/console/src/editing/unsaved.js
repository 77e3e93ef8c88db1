// Unsaved work is never lost by leaving the page: every view of the modeler (the diagram and each
// table) reports its edits, and until they are saved the browser asks before the page is left
// (a link such as "Audit", a reload, closing the tab).
const watched = new WeakSet();

export function trackUnsaved(tool, { onChange } = {}) {
  let dirty = false;
  const mark = (value) => {
    dirty = value;
    if (onChange) onChange(dirty);
  };
  const watch = () => {
    const viewer = tool.getActiveViewer();
    if (!viewer || watched.has(viewer)) return;
    watched.add(viewer);
    viewer.get('eventBus').on('commandStack.changed', () => mark(true));
  };
  tool.on('views.changed', watch);
  watch();
  window.addEventListener('beforeunload', (event) => {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = '';       // Chromium asks only when a value is set
  });
  return { changed: () => mark(true), saved: () => mark(false), get dirty() { return dirty; } };
}
