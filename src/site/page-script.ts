// The page's only script: the filters. Without it every cell shows, and a cell's link still opens its checks.
export const PAGE_SCRIPT = `
const form = document.querySelector('.filters');
form.hidden = false;
const value = (name) => form.elements[name].value;
function apply() {
  const [impl, kernel, property] = [value('implementation'), value('kernel'), value('property')];
  for (const row of document.querySelectorAll('tbody tr'))
    row.hidden = impl !== '' && row.dataset.implementation !== impl;
  for (const cell of document.querySelectorAll('[data-kernel]'))
    cell.hidden = kernel !== '' && cell.dataset.kernel !== kernel;
  for (const mark of document.querySelectorAll('.mark'))
    mark.hidden = property !== '' && mark.dataset.property !== property;
}
form.addEventListener('change', apply);
apply();
`;
