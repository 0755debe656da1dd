// Copy buttons: copy a citation, a link or a citation file to the clipboard, and say so to
// screen readers too. A button copies the text of the element data-copy-target names, the text
// in data-copy-text, or the file at data-copy-url (shown in data-copy-output if the clipboard
// is out of reach). The nearest .copy-status says what happened.
function copyStatus(button) {
  for (let element = button.parentElement; element; element = element.parentElement) {
    const status = element.querySelector(".copy-status");
    if (status) return status;
  }
  return null;
}

async function fetchText(url) {
  const response = await fetch(url, { headers: { Accept: "text/plain, */*" } });
  if (!response.ok) throw new Error(response.statusText);
  return response.text();
}

async function copyFile(url) {
  // Safari allows writing the clipboard only within the click: a ClipboardItem may wait for
  // the file, a later writeText may not.
  if (window.ClipboardItem && navigator.clipboard.write) {
    const text = fetchText(url);
    const blob = text.then((body) => new Blob([body], { type: "text/plain" }));
    await navigator.clipboard.write([new ClipboardItem({ "text/plain": blob })]);
    return text;
  }
  const text = await fetchText(url);
  await navigator.clipboard.writeText(text);
  return text;
}

async function showFile(button) {
  // Put the file on the page and select it so that the reader can copy it by hand.
  const output = document.getElementById(button.dataset.copyOutput || "");
  if (!output) return null;
  if (!output.textContent) output.textContent = await fetchText(button.dataset.copyUrl);
  output.hidden = false;
  return output;
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest("button.copy");
  if (!button) return;
  const { copyTarget, copyText, copyUrl } = button.dataset;
  if (!copyTarget && copyText === undefined && !copyUrl) return;
  const target = copyTarget && document.getElementById(copyTarget);
  const status = copyStatus(button);
  // Emptied first, so that a second "Copied." is announced again.
  if (status) status.textContent = "";
  try {
    if (copyUrl) await copyFile(copyUrl);
    else await navigator.clipboard.writeText(target ? target.textContent.trim() : copyText);
    if (status) status.textContent = status.dataset.copied;
  } catch (error) {
    // Clipboard access needs a secure context; select the text so the reader can copy it by hand.
    const shown = copyUrl ? await showFile(button).catch(() => null) : target;
    if (shown) window.getSelection().selectAllChildren(shown);
    if (status) status.textContent = (!shown && status.dataset.failed) || status.dataset.fallback;
  }
});
