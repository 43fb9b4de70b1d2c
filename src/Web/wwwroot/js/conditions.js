// Shows and hides questions whose "show when" condition depends on another answer, as the
// person answers. The server applies the same rule (SubmissionValidator.IsVisible); without
// JavaScript every question is shown and hidden answers are simply not kept.
const form = document.querySelector('#record-form')
if (form) {
  const conditional = [...form.querySelectorAll('[data-show-field]')].filter(el => el.dataset.showField)
  const valuesOf = (id) => {
    const inputs = [...form.querySelectorAll(`[name="a.${CSS.escape(id)}"]`)]
    return inputs.filter(i => (i.type === 'radio' || i.type === 'checkbox') ? i.checked : true).map(i => i.value).filter(v => v !== '')
  }
  const update = () => {
    for (const field of conditional) {
      const values = valuesOf(field.dataset.showField)
      let show
      // Razor writes absent settings as empty attributes, so test for content, not presence.
      if (field.dataset.showNotempty === 'true') show = values.length > 0
      else if (field.dataset.showIn) show = field.dataset.showIn.split('|').some(v => values.includes(v))
      else show = values.includes(field.dataset.showEquals)
      field.hidden = !show
    }
  }
  form.addEventListener('change', update)
  update()
}
