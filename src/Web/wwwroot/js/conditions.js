// Shows and hides questions whose "show when" condition depends on another answer, as the
// person answers: whole questions, and columns of a table row whose condition reads another
// column of the same row (each row on its own). The server writes into data-show-name the exact
// input the condition reads, and applies the same rule (SubmissionValidator.IsVisible and
// IsVisibleInRow); without JavaScript every question is shown and hidden answers are not kept.
const form = document.querySelector('#record-form')
if (form) {
  const conditional = [...form.querySelectorAll('[data-show-name]')].filter(el => el.dataset.showName)
  const valuesOf = (name) => {
    const inputs = [...form.querySelectorAll(`[name="${CSS.escape(name)}"]`)]
    return inputs.filter(i => (i.type === 'radio' || i.type === 'checkbox') ? i.checked : true).map(i => i.value).filter(v => v !== '')
  }
  const update = () => {
    for (const field of conditional) {
      const values = valuesOf(field.dataset.showName)
      let show
      // Razor writes absent settings as empty attributes, so test for content, not presence.
      if (field.dataset.showNotempty === 'true') show = values.length > 0
      else if (field.dataset.showIn) show = field.dataset.showIn.split('|').some(v => values.includes(v))
      else show = values.includes(field.dataset.showEquals)
      field.hidden = !show
    }
  }
  form.addEventListener('change', update)
  form.addEventListener('input', update)
  update()
}
