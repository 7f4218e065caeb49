// The writing room (templates/admin/articles/article/change_form.html), on top of a page that
// works without it: pictures dropped, pasted or picked into the body upload in the background
// (articles/image_upload.py), and the draft's words, reading time and preview are asked of the
// server as the body changes (articles/writing.py), so no rule is copied here.
"use strict"

// Found when the editor is ready (this script loads in the head, before the page's body).
let room = null

function csrfToken() {
  const field = document.querySelector("#article_form [name=csrfmiddlewaretoken]")
  return field ? field.value : ""
}

function post(url, data) {
  return fetch(url, {
    method: "POST",
    body: data,
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
  })
}

// -- words, reading time and the preview, live --

let statsTimer = null
function refreshStats(editor) {
  clearTimeout(statsTimer)
  statsTimer = setTimeout(async () => {
    const data = new FormData()
    data.append("body", editor.getHTML())
    const access = document.getElementById("id_access")
    data.append("access", access ? access.value : room.dataset.access)
    let stats
    try {
      const response = await post(room.dataset.statsUrl, data)
      if (!response.ok) return
      stats = await response.json()
    } catch {
      return // offline for a moment: the figures catch up with the next change
    }
    for (const element of room.querySelectorAll("[data-stat]")) {
      element.textContent = stats[element.dataset.stat] || ""
      if (element.dataset.stat === "warning") element.hidden = !stats.warning
    }
  }, 400)
}

// -- pictures --

const ACCEPTED = ["image/jpeg", "image/png", "image/webp", "image/gif"]

function imageFiles(transfer) {
  return transfer ? [...transfer.files].filter((file) => file.type.startsWith("image/")) : []
}

function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value)
  if (text) node.textContent = text
  return node
}

// One dialog for the page: the upload's progress, then alt text and caption, typed in place.
function uploadDialog() {
  let dialog = document.getElementById("image-upload-dialog")
  if (dialog) return dialog
  dialog = element("dialog", {
    id: "image-upload-dialog",
    class: "image-upload-dialog",
    "aria-labelledby": "image-upload-title",
  })
  const form = element("form", { method: "dialog" })
  form.append(
    element("h2", { id: "image-upload-title" }, "Picture for the body"),
    element("p", { class: "image-upload-file" }),
    element("progress", { max: "100", value: "0", "aria-label": "Upload progress" }),
    element("p", { class: "image-upload-state", role: "status" }),
    element("p", { class: "image-upload-error", role: "alert" }),
    element("label", { for: "image-upload-alt" }, "Alt text: what the picture shows"),
    element("input", { id: "image-upload-alt", type: "text", maxlength: "250", required: "" }),
    element("label", { for: "image-upload-caption" }, "Caption (optional)"),
    element("input", { id: "image-upload-caption", type: "text", maxlength: "300" }),
  )
  const buttons = element("div", { class: "image-upload-buttons" })
  buttons.append(
    element("button", { type: "submit", value: "insert", class: "button default" }, "Insert picture"),
    element("button", { type: "button", value: "cancel", class: "button" }, "Cancel"),
  )
  form.append(buttons)
  dialog.append(form)
  document.body.append(dialog)
  return dialog
}

function upload(file, onProgress) {
  return new Promise((resolve) => {
    const data = new FormData()
    data.append("image", file)
    const token = document.getElementById("id_image_draft_token")
    if (token) data.append("draft", token.value)
    const request = new XMLHttpRequest()
    request.open("POST", room.dataset.uploadUrl)
    request.setRequestHeader("X-CSRFToken", csrfToken())
    request.setRequestHeader("Accept", "application/json")
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(Math.round((100 * event.loaded) / event.total))
    })
    request.addEventListener("load", () => {
      let answer = {}
      try {
        answer = JSON.parse(request.responseText)
      } catch {
        answer = { error: `The upload failed (${request.status}). Try again.` }
      }
      resolve(request.status === 201 ? answer : { error: answer.error || "The upload failed." })
    })
    request.addEventListener("error", () =>
      resolve({ error: "The upload did not reach the site. Check the connection and try again." }),
    )
    request.send(data)
  })
}

// Where a picture goes: after the top-level block the position is in (the server cuts the
// preview between blocks, so a figure never splits a paragraph).
function blockBoundary(editor, pos) {
  const $pos = editor.state.doc.resolve(Math.min(pos, editor.state.doc.content.size))
  return $pos.depth > 0 ? $pos.after(1) : $pos.pos
}

async function addPicture(editor, file, pos) {
  const dialog = uploadDialog()
  const form = dialog.querySelector("form")
  const progress = dialog.querySelector("progress")
  const state = dialog.querySelector(".image-upload-state")
  const error = dialog.querySelector(".image-upload-error")
  const insert = dialog.querySelector("button[value=insert]")
  const cancel = dialog.querySelector("button[value=cancel]")
  const alt = dialog.querySelector("#image-upload-alt")
  const caption = dialog.querySelector("#image-upload-caption")
  dialog.querySelector(".image-upload-file").textContent = file.name
  progress.value = 0
  state.textContent = "Uploading…"
  error.textContent = ""
  alt.value = ""
  caption.value = ""
  insert.disabled = true
  dialog.showModal()
  alt.focus()

  let uploaded = null
  let cancelled = false
  const close = () => {
    cancelled = true
    dialog.close()
  }
  cancel.onclick = close
  dialog.oncancel = close

  const limit = Number(room.dataset.maxBytes)
  if (!ACCEPTED.includes(file.type)) {
    error.textContent = `“${file.name}” is not an image this site can use (JPEG, PNG, WebP or GIF).`
    state.textContent = ""
    return
  }
  if (limit && file.size > limit) {
    const mb = (bytes) => (bytes / 1_000_000).toFixed(1)
    error.textContent = `“${file.name}” is ${mb(file.size)} MB; an image can be at most ${mb(limit)} MB.`
    state.textContent = ""
    return
  }

  form.onsubmit = async (event) => {
    event.preventDefault()
    if (!uploaded || !alt.value.trim()) return
    insert.disabled = true
    const data = new FormData()
    data.append("alt", alt.value.trim())
    data.append("caption", caption.value.trim())
    const response = await post(uploaded.describe_url, data)
    const answer = await response.json().catch(() => ({}))
    if (!response.ok) {
      error.textContent = answer.error || "The alt text could not be saved. Try again."
      insert.disabled = false
      return
    }
    const content = [{ type: "image", attrs: { src: answer.src, alt: answer.alt } }]
    if (answer.caption) {
      content.push({ type: "caption", content: [{ type: "text", text: answer.caption }] })
    }
    editor.chain().focus().insertContentAt(blockBoundary(editor, pos), { type: "figure", content }).run()
    dialog.close()
  }

  const answer = await upload(file, (percent) => {
    progress.value = percent
    state.textContent = `Uploading… ${percent}%`
  })
  if (cancelled) return
  if (answer.error) {
    error.textContent = answer.error
    state.textContent = ""
    return
  }
  uploaded = answer
  progress.value = 100
  state.textContent = "Uploaded. Describe it, then insert it."
  insert.disabled = false
}

function pickButton(editor, container, tries = 20) {
  const menubar = container.querySelector(".prose-menubar")
  if (!menubar) {
    // The editor draws its toolbar just after it says it is ready.
    if (tries > 0) setTimeout(() => pickButton(editor, container, tries - 1), 50)
    return
  }
  const input = element("input", { type: "file", accept: ACCEPTED.join(","), hidden: "" })
  const button = element(
    "button",
    { type: "button", class: "prose-menubar__button image-upload-button", title: "Upload a picture into the text" },
    "Upload picture",
  )
  button.addEventListener("click", () => input.click())
  input.addEventListener("change", () => {
    if (input.files.length) addPicture(editor, input.files[0], editor.state.selection.to)
    input.value = ""
  })
  menubar.append(button, input)
}

document.addEventListener("prose-editor:ready", (event) => {
  const { editor, textarea } = event.detail
  room = document.getElementById("writing-room")
  if (!room || textarea.name !== "body") return
  const dom = editor.view.dom
  // The editable area is what assistive technology meets, not the hidden textarea.
  dom.setAttribute("aria-label", "Body")
  pickButton(editor, textarea.closest(".prose-editor") || textarea.parentElement)
  // Capture: ahead of the editor's own handling of dropped and pasted files.
  dom.addEventListener(
    "drop",
    (drop) => {
      const files = imageFiles(drop.dataTransfer)
      if (!files.length) return
      drop.preventDefault()
      drop.stopPropagation()
      const at = editor.view.posAtCoords({ left: drop.clientX, top: drop.clientY })
      addPicture(editor, files[0], at ? at.pos : editor.state.selection.to)
    },
    true,
  )
  dom.addEventListener(
    "paste",
    (paste) => {
      const files = imageFiles(paste.clipboardData)
      if (!files.length) return
      paste.preventDefault()
      paste.stopPropagation()
      addPicture(editor, files[0], editor.state.selection.to)
    },
    true,
  )
  editor.on("update", () => refreshStats(editor))
  document.getElementById("id_access")?.addEventListener("change", () => refreshStats(editor))
})

// -- the admin's autocompletes (select2) draw their own combobox and search box without a name:
// give them the name of the field they stand for, whenever select2 draws them again.
function nameAutocompletes() {
  for (const select of document.querySelectorAll("#article_form select.admin-autocomplete")) {
    const container = select.nextElementSibling
    if (!container || !container.classList.contains("select2")) continue
    const label = document.querySelector(`label[for="${select.id}"]`)
    const name = (label ? label.textContent : select.name).replace(/:\s*$/, "").trim()
    for (const box of container.querySelectorAll('[role="combobox"], [role="textbox"], .select2-search__field')) {
      if (box.getAttribute("aria-label") !== name) box.setAttribute("aria-label", name)
    }
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("article_form")
  if (!form) return
  let pending = null
  new MutationObserver(() => {
    cancelAnimationFrame(pending)
    pending = requestAnimationFrame(nameAutocompletes)
  }).observe(form, { childList: true, subtree: true })
  setTimeout(nameAutocompletes, 0)
})
