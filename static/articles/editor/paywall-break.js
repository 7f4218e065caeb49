// The paywall break for django-prose-editor: stored as <hr class="paywall-break">, shown in the
// editor as a labelled bar, and inserted between top-level blocks, where the server cuts.
import { Node } from "django-prose-editor/editor"

const LABEL = "Paywall — preview ends here"

export const PaywallBreak = Node.create({
  name: "paywallBreak",
  group: "block",
  atom: true,
  selectable: true,
  draggable: true,

  addOptions() {
    // Writers keep a break an editor placed but get no button: { menu: false }.
    return { menu: true }
  },

  parseHTML() {
    // Above the plain horizontal rule's rule, so the class is not lost on load.
    return [{ tag: "hr.paywall-break", priority: 60 }]
  },

  renderHTML() {
    return ["hr", { class: "paywall-break" }]
  },

  addNodeView() {
    return () => {
      const dom = document.createElement("div")
      dom.className = "paywall-break-marker"
      dom.contentEditable = "false"
      dom.setAttribute("role", "separator")
      dom.setAttribute("aria-label", LABEL)
      dom.dataset.paywallBreak = ""
      dom.textContent = LABEL
      return { dom }
    }
  },

  addCommands() {
    return {
      setPaywallBreak:
        () =>
        ({ tr, dispatch, editor }) => {
          const type = editor.schema.nodes.paywallBreak
          if (dispatch) {
            // An article has one preview, so it has one break: placing it moves it.
            const existing = []
            tr.doc.descendants((node, pos) => {
              if (node.type === type) existing.push(pos)
              return node.type !== type
            })
            for (const pos of existing.reverse()) tr.delete(pos, pos + 1)
            const { $to } = tr.selection
            const at = $to.depth > 0 ? $to.after(1) : $to.pos
            tr.insert(at, type.create())
          }
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    if (!this.options.menu) return
    menu.defineItem({
      name: "paywallBreak",
      groups: "nodes",
      command(editor) {
        editor.chain().focus().setPaywallBreak().run()
      },
      button: buttons.text("Paywall break", "Place the paywall break after this paragraph"),
      active: () => false,
    })
  },
})
