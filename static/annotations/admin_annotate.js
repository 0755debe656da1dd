// Annotating in the admin: select words of the passage text (mouse or shift+arrows in the
// text box) and the selector fields of the annotation fill themselves in.
document.addEventListener("DOMContentLoaded", () => {
  "use strict";

  function fill(form, text, start, end) {
    if (start === end) return false;
    const exact = text.slice(start, end);
    const set = (name, value) => {
      const input = form.querySelector(`[name$="${name}"]`);
      if (input) { input.value = value; input.dispatchEvent(new Event("change")); }
    };
    set("exact", exact);
    set("start", start);
    set("end", end);
    const status = form.querySelector(".annotate-status");
    if (status) status.textContent = status.dataset.chosen.replace("%s", exact);
    return true;
  }

  // The annotation form: the passage text is shown in a box (a single text node), so the
  // selection's offsets are character offsets into the passage text.
  document.querySelectorAll(".annotate-source").forEach((box) => {
    const form = box.closest("form");
    const text = box.textContent;
    const take = () => {
      const sel = window.getSelection();
      if (!sel.rangeCount) return;
      const range = sel.getRangeAt(0);
      if (!box.contains(range.startContainer) || !box.contains(range.endContainer)) return;
      fill(form, text, range.startOffset, range.endOffset);
    };
    box.addEventListener("mouseup", take);
    box.addEventListener("keyup", take);
  });

  // The passage form: each annotation row gets a button taking the words selected in the
  // passage's text box.
  const textarea = document.querySelector("textarea[name='text']");
  if (!textarea) return;
  document.querySelectorAll(".inline-related").forEach((row) => {
    const exact = row.querySelector("[name$='-exact']");
    if (!exact || row.querySelector(".annotate-take")) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button annotate-take";
    button.textContent = textarea.dataset.takeLabel || "Use the words selected in the text";
    button.addEventListener("click", () => {
      fill(row, textarea.value, textarea.selectionStart, textarea.selectionEnd);
    });
    exact.insertAdjacentElement("afterend", button);
  });
});
