// The outbox: a click on a code copies it, ready to paste into the sign-in or sign-up page.
for (const button of document.querySelectorAll(".outbox-code")) {
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(button.dataset.code);
      button.classList.add("copied");
    } catch {
      window.getSelection().selectAllChildren(button);
    }
  });
}
