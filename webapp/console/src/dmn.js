// dmn-js on a page: import the XML, then one tab per view (the diagram and each decision's table or
// expression), as Camunda Modeler shows them.
import { h } from './dom.js';

function label(view) {
  if (view.type === 'drd') return 'Diagram';
  return view.element.name || view.element.id;
}

export async function mount(Tool, container, tabs, xml) {
  // No input debounce: a cell's text reaches the model as it is typed, so a Save right after typing
  // keeps it (dmn-js's 300 ms debounce let a save take the model without the last edit).
  const tool = new Tool({ container, common: { debounceInput: false } });
  const { warnings } = await tool.importXML(xml);
  const draw = () => {
    const active = tool.getActiveView();
    tabs.replaceChildren(...tool.getViews().map((view) => h('button', {
      type: 'button', role: 'tab', 'aria-selected': String(view === active),
      onclick: () => tool.open(view),
    }, label(view))));
  };
  // The whole diagram in view: a policy's DRD is wider than the page.
  const fit = () => {
    if ((tool.getActiveView() || {}).type === 'drd') tool.getActiveViewer().get('canvas').zoom('fit-viewport');
  };
  tool.on('views.changed', () => { draw(); fit(); });
  draw();
  fit();
  return { tool, warnings };
}
