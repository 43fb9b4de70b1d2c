// "Copy the text" for the child's file summary (Pages/Records/ChildFile.cshtml). Without
// JavaScript the button stays hidden and the text box is read-only, so people select all of it
// and copy by hand (its hint says how); with it, the button copies and says so where it is read.
for (const button of document.querySelectorAll('[data-copy-target]')) {
  const box = document.getElementById(button.dataset.copyTarget)
  const status = document.getElementById(button.dataset.copyStatus)
  if (!box || !navigator.clipboard) continue
  // A class, not the hidden attribute: govuk-button's own display would show a hidden button.
  button.classList.remove('govuk-!-display-none')
  button.addEventListener('click', async () => {
    box.focus()
    box.select()
    try {
      await navigator.clipboard.writeText(box.value)
      if (status) status.textContent = 'Copied. Paste it into the child\'s file.'
    } catch {
      if (status) status.textContent = 'The text is selected: press Ctrl+C (or Cmd+C) to copy it.'
    }
  })
}
