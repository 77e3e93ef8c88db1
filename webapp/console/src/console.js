// The console's entry: each page names itself (data-page) and its module is loaded on demand, so
// dmn-js is fetched only by the pages that show a model.
import { $, problem } from './dom.js';

const pages = {
  index: () => import('./pages/index.js'),
  model: () => import('./pages/model.js'),
  edit: () => import('./pages/edit.js'),
  review: () => import('./pages/review.js'),
  case: () => import('./pages/case.js'),
  try: () => import('./pages/try.js'),
  audit: () => import('./pages/audit.js'),
};

const main = $('#page');
const load = pages[main.dataset.page];
if (load) {
  load().then((page) => page.default(main.dataset)).catch((error) => main.prepend(problem(error)));
}
