// Copy buttons: copy a citation or link to the clipboard and say so to screen readers too.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button.copy");
  if (!button) return;
  const target = button.dataset.copyTarget && document.getElementById(button.dataset.copyTarget);
  const text = target ? target.textContent.trim() : button.dataset.copyText;
  const status = button.parentElement.querySelector(".copy-status");
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = status.dataset.copied;
  } catch (error) {
    // Clipboard access needs a secure context; select the text so the reader can copy it by hand.
    if (target) window.getSelection().selectAllChildren(target);
    status.textContent = status.dataset.fallback;
  }
});
