// Small helpers for the article admin; the page works without them.
"use strict"

// Live character counts next to fields with a recommended length.
document.addEventListener("DOMContentLoaded", () => {
  for (const field of document.querySelectorAll("[data-length-hint]")) {
    const hint = Number(field.dataset.lengthHint)
    const output = document.createElement("span")
    output.className = "length-hint"
    output.setAttribute("aria-live", "polite")
    const update = () => {
      const length = field.value.length
      output.textContent = `${length} characters (aim for at most ${hint})`
      output.classList.toggle("is-over", length > hint)
    }
    field.addEventListener("input", update)
    field.after(output)
    update()
  }
})

// "Insert into body" for uploaded images: needs the body's prose editor.
let bodyEditor = null
document.addEventListener("prose-editor:ready", (event) => {
  if (event.detail.textarea.name === "body") bodyEditor = event.detail.editor
})
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-insert-figure]")
  if (!button || !bodyEditor) return
  const { src, alt, caption } = button.dataset
  const content = [{ type: "image", attrs: { src, alt } }]
  if (caption) content.push({ type: "caption", content: [{ type: "text", text: caption }] })
  bodyEditor.chain().focus().insertContent({ type: "figure", content }).run()
})
