// Saves a record's draft while the person types, so a timeout or a closed tab loses nothing.
// Without JavaScript the "Save and come back later" button does the same.
// Autosave never touches what someone signed: the server answers 409 with the reason, and this
// stops for good and says so; the typed text stays in the page for a deliberate save or sign.
const form = document.querySelector('form[data-autosave]')
if (form) {
  const status = document.getElementById('autosave-status')
  let timer = null
  let saving = false
  let stopped = false
  const say = (text) => { if (status) status.textContent = text }
  const save = async () => {
    if (stopped) return
    if (saving) { timer = setTimeout(save, 1000); return }
    saving = true
    try {
      const response = await fetch(form.dataset.autosave, { method: 'POST', body: new FormData(form), credentials: 'same-origin' })
      if (response.status === 409) {
        stopped = true
        say('Not saved automatically: ' + await response.text())
      } else {
        say(response.ok ? 'Draft saved at ' + new Date().toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' }) : 'Your draft could not be saved automatically. Use "Save and come back later".')
      }
    } catch {
      say('Your draft could not be saved automatically. Use "Save and come back later".')
    } finally {
      saving = false
    }
  }
  const later = (ms) => { if (!stopped) { clearTimeout(timer); timer = setTimeout(save, ms) } }
  form.addEventListener('input', () => later(1500))
  form.addEventListener('change', () => later(500))
  // The button press carries everything typed; a late autosave after it would only race it.
  form.addEventListener('submit', () => { stopped = true; clearTimeout(timer) })
}
