// Saves a record's draft while the person types, so a timeout or a closed tab loses nothing.
// Without JavaScript the "Save and come back later" button does the same.
const form = document.querySelector('form[data-autosave]')
if (form) {
  const status = document.getElementById('autosave-status')
  let timer = null
  let saving = false
  const save = async () => {
    if (saving) { timer = setTimeout(save, 1000); return }
    saving = true
    try {
      const response = await fetch(form.dataset.autosave, { method: 'POST', body: new FormData(form), credentials: 'same-origin' })
      if (status) status.textContent = response.ok ? 'Draft saved at ' + new Date().toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' }) : 'Your draft could not be saved automatically. Use "Save and come back later".'
    } catch {
      if (status) status.textContent = 'Your draft could not be saved automatically. Use "Save and come back later".'
    } finally {
      saving = false
    }
  }
  form.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(save, 1500) })
  form.addEventListener('change', () => { clearTimeout(timer); timer = setTimeout(save, 500) })
}
