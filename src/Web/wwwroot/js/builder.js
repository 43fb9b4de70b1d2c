// The builders without full page loads: a button posts the builder as the page would and the new
// page replaces the old one, with focus where the server says (the added or moved item); typing
// refreshes the preview. Without this script every button still works as a plain form post.
const selector = 'form[data-preview]';
let pendingFocus = null;
// Each swap starts a new generation: a preview or redraw asked for before it would draw an older draft.
let generation = 0;
let previewTimer = null;
let redrawTimer = null;
// What the person changes while a button's post is on its way, by field id: the new page is drawn from the
// builder as it was posted, so these are put back on it rather than lost.
let changedInFlight = null;

function remember(el) {
  if (changedInFlight && el.id && el.matches?.('input, select, textarea')) changedInFlight.set(el.id, el);
}

function putBack(changed) {
  let redraw = null;
  let typed = null;
  for (const [id, old] of changed) {
    const el = document.getElementById(id);
    if (!el || el.tagName !== old.tagName || el.type !== old.type) continue;
    if (old.type === 'checkbox' || old.type === 'radio') el.checked = old.checked;
    else if (el.tagName === 'SELECT' && ![...el.options].some(o => o.value === old.value)) continue;
    else el.value = old.value;
    if (el.matches('[data-redraw="true"]')) redraw = el; else typed = el;
  }
  // A changed type or kind still redraws the builder; anything typed still refreshes the preview.
  if (redraw) redraw.dispatchEvent(new Event('change', { bubbles: true }));
  else if (typed) typed.dispatchEvent(new Event('input', { bubbles: true }));
}

function focusAfterSwap() {
  const target = document.querySelector('main [autofocus]') || document.querySelector('#builder-problems') || document.querySelector('main h1');
  if (target) {
    if (!target.hasAttribute('tabindex') && !/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(target.tagName)) target.setAttribute('tabindex', '-1');
    target.focus();
    target.scrollIntoView({ block: 'center' });
  }
}

async function post(url, body) {
  const response = await fetch(url, { method: 'POST', body, credentials: 'same-origin', headers: { 'X-Requested-With': 'fetch' } });
  if (!response.ok || response.redirected) return null;
  return response.text();
}

document.addEventListener('submit', async (event) => {
  const form = event.target;
  if (!form.matches(selector)) return;
  clearTimeout(previewTimer);
  clearTimeout(redrawTimer);
  generation++;
  const submitter = event.submitter;
  const action = submitter?.getAttribute('formaction') || form.getAttribute('action');
  if (/handler=(Publish|Try)/.test(action)) return; // a real navigation: publishing leaves the page, trying shows its result
  event.preventDefault();
  const body = new FormData(form, submitter);
  const focusedAtPost = document.activeElement;
  // Adding, picking and redrawing keep every item where it was, so a field's id still names the same item
  // afterwards; moving, copying or removing renumbers them, and a value put back could land on another item.
  const op = submitter?.name === 'op' ? submitter.value : '';
  const changed = changedInFlight = /^(add|pick|$)/.test(op) ? new Map() : null;
  const html = await post(action, body);
  if (changedInFlight === changed) changedInFlight = null;
  if (html === null) { form.submit(); return; }
  const next = new DOMParser().parseFromString(html, 'text/html');
  const main = document.querySelector('main');
  const nextMain = next.querySelector('main');
  if (!main || !nextMain) { form.submit(); return; }
  generation++;
  // Someone who moved on to another field meanwhile stays there; otherwise focus goes where the server says.
  const movedTo = document.activeElement !== focusedAtPost && main.contains(document.activeElement) ? document.activeElement.id : null;
  main.replaceWith(nextMain);
  document.title = next.title;
  if (changed) putBack(changed);
  const kept = document.getElementById(movedTo || pendingFocus || '');
  pendingFocus = null;
  if (kept) kept.focus(); else focusAfterSwap();
});

document.addEventListener('change', (event) => remember(event.target));

document.addEventListener('input', (event) => {
  remember(event.target);
  const form = event.target.closest?.(selector);
  if (!form || event.target.id === 'yaml') return;
  clearTimeout(previewTimer);
  previewTimer = setTimeout(async () => {
    const asked = generation;
    const html = await post(form.dataset.preview, new FormData(form));
    const box = document.getElementById('builder-check');
    if (html !== null && box && asked === generation && document.contains(form)) box.innerHTML = html;
  }, 600);
});

// A new type, kind or trigger shows other settings: redraw the builder, keeping focus on the choice.
// Arrow keys on a closed list change it once per press, so wait for the choosing to stop.
document.addEventListener('change', (event) => {
  const el = event.target;
  const form = el.closest?.(selector);
  if (!form || !el.matches('select[data-redraw="true"], input[type=radio][data-redraw="true"]')) return;
  clearTimeout(redrawTimer);
  const asked = generation;
  redrawTimer = setTimeout(() => {
    if (asked !== generation || !document.contains(form)) return;
    pendingFocus = document.activeElement?.id || el.id;
    form.requestSubmit(form.querySelector('button[name=op][value=""]'));
  }, 500);
});
