// Checks a rule as the admin types (after a pause) and says what is wrong, line by line, in a
// polite live region under the box. Without JavaScript the "Check" button does the same.
const form = document.querySelector('form[data-validate]')
const text = document.getElementById('Text')
const status = document.getElementById('live-check')
if (form && text && status) {
  let timer = null
  let latest = 0
  const check = async () => {
    const mine = ++latest
    // A check that cannot run says so, rather than leaving an old "no problems" in place.
    const unchecked = () => {
      if (mine !== latest) return
      status.textContent = 'This could not be checked as you typed (offline or signed out?). Use "Check" before publishing.'
      status.classList.remove('govuk-error-message')
    }
    try {
      const response = await fetch(form.dataset.validate, { method: 'POST', body: new FormData(form), credentials: 'same-origin' })
      if (mine !== latest) return
      if (!response.ok) return unchecked()
      const { errors } = await response.json()
      status.textContent = errors.length === 0
        ? 'Checked as you typed: no problems found.'
        : `Checked as you typed: ${errors.length === 1 ? '1 problem' : errors.length + ' problems'}. ` +
          errors.slice(0, 5).map(e => `Line ${e.line}: ${e.message}`).join(' ') + (errors.length > 5 ? ' Use "Check" to see them all.' : '')
      status.classList.toggle('govuk-error-message', errors.length > 0)
    } catch {
      unchecked()
    }
  }
  text.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(check, 800) })
}
