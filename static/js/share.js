// The share control: the phone's own share sheet where the browser has one, otherwise the
// link is copied. Without this script the control is a plain link to the story.
document.addEventListener("click", async (event) => {
  const link = event.target.closest("a[data-share]");
  if (!link) return;
  event.preventDefault();
  const status = document.getElementById("share-status");
  const data = { title: link.dataset.shareTitle, url: link.href };
  if (navigator.share) {
    try { await navigator.share(data); } catch { /* closed without sharing */ }
    return;
  }
  try {
    await navigator.clipboard.writeText(link.href);
    status.textContent = "Link copied.";
  } catch {
    status.textContent = "Copy this link: " + link.href;
  }
});
