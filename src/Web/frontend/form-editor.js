// The form editor's code editor: CodeMirror 6 in place of the YAML text box, with the server's
// problems marked at their lines as the admin types and the preview redrawn beside them.
// Without JavaScript the page works as it is: a text box, "Check and preview" and "Publish".
//
// The editor lives in a shadow root: CodeMirror then styles itself with constructed style sheets,
// which the Content-Security-Policy (style-src 'self', no inline styles) allows; in the main
// document it would need <style> elements, which the policy blocks.
import { EditorState } from '@codemirror/state'
import { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection } from '@codemirror/view'
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands'
import { syntaxHighlighting, defaultHighlightStyle, indentUnit } from '@codemirror/language'
import { yaml } from '@codemirror/lang-yaml'
import { linter, lintGutter, forceLinting } from '@codemirror/lint'

const form = document.getElementById('form-editor')
const textarea = document.getElementById('yaml')
if (form && textarea && form.dataset.validate) {
  const status = document.getElementById('check-status')
  const result = document.getElementById('check-result')
  const token = form.querySelector('input[name="__RequestVerificationToken"]')?.value ?? ''

  // Asks the server to check the text; swaps in its problems and, when there are none, its preview.
  const check = async (view) => {
    const body = new FormData()
    body.append('Yaml', view.state.doc.toString())
    body.append('__RequestVerificationToken', token)
    let html
    try {
      const response = await fetch(form.dataset.validate, { method: 'POST', body, credentials: 'same-origin', headers: { RequestVerificationToken: token } })
      if (!response.ok) throw new Error(String(response.status))
      html = await response.text()
    } catch {
      if (status) status.textContent = 'The definition could not be checked just now. Use "Check and preview".'
      return []
    }
    const fragment = document.createElement('template')
    fragment.innerHTML = html
    const problems = fragment.content.getElementById('check-problems')
    const preview = fragment.content.getElementById('check-preview')
    if (result && problems) result.querySelector('#check-problems')?.replaceWith(problems)
    if (result && preview && preview.dataset.ok === 'true') result.querySelector('#check-preview')?.replaceWith(preview)
    const items = [...(problems?.querySelectorAll('li[data-line]') ?? [])]
    if (status) status.textContent = items.length === 0 ? 'No problems. Preview updated.' : `${items.length} ${items.length === 1 ? 'problem' : 'problems'} in the definition.`
    const doc = view.state.doc
    return items.map((li) => {
      const line = doc.line(Math.min(Math.max(parseInt(li.dataset.line, 10) || 1, 1), doc.lines))
      const from = Math.min(line.from + Math.max((parseInt(li.dataset.column, 10) || 1) - 1, 0), line.to)
      const to = from < line.to ? line.to : from
      return { from, to, severity: 'error', message: li.dataset.message }
    })
  }

  const host = document.createElement('div')
  host.className = 'app-code-editor'
  host.id = 'yaml-editor'
  textarea.after(host)
  textarea.hidden = true
  const label = document.querySelector('label[for="yaml"]')
  const root = host.attachShadow({ mode: 'open' })

  const view = new EditorView({
    root,
    parent: root,
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightActiveLine(),
        drawSelection(),
        history(),
        indentUnit.of('  '),
        EditorState.tabSize.of(2),
        // Tab is left to move focus, so keyboard users are never trapped in the editor.
        keymap.of([...defaultKeymap, ...historyKeymap]),
        yaml(),
        syntaxHighlighting(defaultHighlightStyle),
        lintGutter(),
        linter(check, { delay: 700 }),
        // Long lines wrap and the editor grows with the text: no inner scrolling region that only a mouse could scroll.
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': (label?.textContent ?? 'The form in YAML') + '. Problems are listed after the editor.', spellcheck: 'false' }),
        EditorView.updateListener.of((update) => { if (update.docChanged) textarea.value = update.state.doc.toString() }),
        EditorView.theme({
          '&': { fontSize: '16px', backgroundColor: '#fff' },
          '.cm-scroller': { fontFamily: 'monospace', lineHeight: '1.4' },
          '&.cm-focused': { outline: '3px solid #fd0', boxShadow: 'inset 0 0 0 2px #0b0c0c' },
          '.cm-gutters': { backgroundColor: '#f3f2f1', color: '#505a5f', borderRight: '1px solid #b1b4b6' },
          '.cm-activeLine': { backgroundColor: '#f8f8f8' },
          '.cm-lintRange-error': { backgroundImage: 'none', textDecoration: 'underline wavy #d4351c' },
          '.cm-tooltip-lint': { fontFamily: 'arial, sans-serif', fontSize: '16px' },
        }),
      ],
    }),
  })
  host.view = view

  // A problem's link moves the cursor to its line and column.
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[data-line]')
    if (!link) return
    event.preventDefault()
    const doc = view.state.doc
    const line = doc.line(Math.min(Math.max(parseInt(link.dataset.line, 10) || 1, 1), doc.lines))
    const pos = Math.min(line.from + Math.max((parseInt(link.dataset.column, 10) || 1) - 1, 0), line.to)
    view.dispatch({ selection: { anchor: pos }, scrollIntoView: true })
    view.focus()
  })

  // After a change from the question list, show its line in the editor.
  const focusLine = parseInt(form.dataset.focusLine, 10)
  if (focusLine >= 1 && focusLine <= view.state.doc.lines) {
    const line = view.state.doc.line(focusLine)
    view.dispatch({ selection: { anchor: line.from }, effects: EditorView.scrollIntoView(line.from, { y: 'center' }) })
  }

  // After "Update the YAML", "Add" or a refused "Publish", mark the problems straight away.
  forceLinting(view)
}
