// Citing a few words of a passage. A reader selects words in the passage text (with the mouse,
// or with Shift and the arrow keys) and gets the citation with the quote and a link whose fragment
// is a W3C TextQuoteSelector, #selector(type=TextQuoteSelector,exact=…,prefix=…,suffix=…): see
// "Fragment identifiers" in https://www.w3.org/TR/selectors-states/. Opening such a link, or one
// with a text fragment (#:~:text=…, https://wicg.github.io/scroll-to-text-fragment/), marks the
// quoted words. Strings shown to the reader come from data attributes: the template translates them.
(() => {
  const passage = document.querySelector("blockquote.passage-text");
  const box = document.querySelector("[data-cite-selection]");
  if (!passage) return;
  // Characters kept each side of a quote: enough to tell apart repeats of a few words.
  const CONTEXT = 32;
  const squash = (text) => text.replace(/\s+/g, " ");
  const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

  // The passage's own text, node by node, without the note numbers annotations add to it.
  function textMap() {
    const walker = document.createTreeWalker(passage, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) =>
        node.parentElement.closest(".note-ref")
          ? NodeFilter.FILTER_REJECT
          : NodeFilter.FILTER_ACCEPT,
    });
    const nodes = [];
    let length = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      nodes.push({ node, start: length, end: length + node.data.length });
      length += node.data.length;
    }
    return { nodes, text: nodes.map((entry) => entry.node.data).join("") };
  }

  // Where a boundary point of a selection falls in the passage's text.
  function offsetOf(map, container, offset) {
    const point = document.createRange();
    point.setStart(container, offset);
    for (const entry of map.nodes) {
      if (entry.node === container) return entry.start + offset;
      if (point.comparePoint(entry.node, 0) >= 0) return entry.start;
    }
    return map.text.length;
  }

  // The selected words with the text around them, or null if nothing in the passage is selected.
  function selectedQuote() {
    const selection = window.getSelection();
    if (!selection.rangeCount || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    if (!range.intersectsNode(passage)) return null;
    const map = textMap();
    let start = offsetOf(map, range.startContainer, range.startOffset);
    let end = offsetOf(map, range.endContainer, range.endOffset);
    // Spaces at either end belong to the context, not to the quote.
    while (start < end && /\s/.test(map.text[start])) start += 1;
    while (end > start && /\s/.test(map.text[end - 1])) end -= 1;
    if (start >= end) return null;
    return {
      exact: squash(map.text.slice(start, end)),
      prefix: squash(map.text.slice(Math.max(0, start - CONTEXT), start)),
      suffix: squash(map.text.slice(end, end + CONTEXT)),
    };
  }

  // Percent-encoding as the server does it (Python's quote with nothing safe).
  const encode = (value) =>
    encodeURIComponent(value).replace(
      /[!'()*]/g,
      (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
    );

  function selectorFragment(quote) {
    const pairs = [
      ["type", "TextQuoteSelector"],
      ["exact", quote.exact],
      ["prefix", quote.prefix],
      ["suffix", quote.suffix],
    ];
    const given = pairs.filter(([, value]) => value);
    const body = given.map(([key, value]) => `${key}=${encode(value)}`);
    return `selector(${body.join(",")})`;
  }

  function decode(value) {
    try {
      return decodeURIComponent(value);
    } catch (error) {
      return value;
    }
  }

  // The quote a URL fragment names: {start, end, prefix, suffix}; null if it names no words, so
  // that a malformed or blank selector in a link is ignored.
  function quoteFromHash(hash) {
    const quote = namedQuote(hash);
    return quote && squash(quote.start).trim() ? quote : null;
  }

  function namedQuote(hash) {
    const selector = /^#selector\((.*)\)$/.exec(hash);
    if (selector) {
      const values = {};
      for (const pair of selector[1].split(",")) {
        const at = pair.indexOf("=");
        if (at > 0) values[pair.slice(0, at)] = decode(pair.slice(at + 1));
      }
      if (values.type !== "TextQuoteSelector" || !values.exact) return null;
      const { exact, prefix = "", suffix = "" } = values;
      return { start: exact, end: "", prefix, suffix };
    }
    // Browsers that follow text fragments hide them from scripts and mark the words themselves.
    const directive = /:~:(?:.*&)?text=([^&]*)/.exec(hash);
    if (!directive) return null;
    const parts = directive[1].split(",").map(decode);
    const prefix = parts[0].endsWith("-") ? parts.shift().slice(0, -1) : "";
    const last = parts[parts.length - 1];
    const suffix = parts.length > 1 && last.startsWith("-") ? parts.pop().slice(1) : "";
    return parts[0] ? { start: parts[0], end: parts[1] || "", prefix, suffix } : null;
  }

  // Where in the text the quote stands: among repeats, the one its prefix and suffix fit best.
  function locate(text, quote) {
    const words = (value) => escapeRegExp(squash(value).trim()).replace(/ /g, "\\s+");
    const source = words(quote.start) + (quote.end ? `[\\s\\S]*?${words(quote.end)}` : "");
    const pattern = new RegExp(source, "g");
    let best = null;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      // Candidates may overlap: the next search starts one character further, not after this one.
      pattern.lastIndex = match.index + 1;
      const start = match.index;
      const end = start + match[0].length;
      const before = squash(text.slice(0, start)).trimEnd();
      const after = squash(text.slice(end)).trimStart();
      const score =
        (quote.prefix && before.endsWith(squash(quote.prefix).trim()) ? 1 : 0) +
        (quote.suffix && after.startsWith(squash(quote.suffix).trim()) ? 1 : 0);
      if (!best || score > best.score) best = { start, end, score };
    }
    return best;
  }

  function unmark() {
    for (const mark of passage.querySelectorAll("mark.cited")) mark.replaceWith(...mark.childNodes);
    passage.normalize();
  }

  // Wrap the text between two offsets in <mark class="cited">, one mark per text node it spans.
  function mark(map, start, end) {
    const marks = [];
    for (const entry of map.nodes) {
      if (entry.end <= start || entry.start >= end) continue;
      let piece = entry.node;
      if (start > entry.start) piece = piece.splitText(start - entry.start);
      const from = Math.max(start, entry.start);
      if (end < entry.end) piece.splitText(end - from);
      const element = document.createElement("mark");
      element.className = "cited";
      piece.replaceWith(element);
      element.append(piece);
      marks.push(element);
    }
    return marks;
  }

  function announce(message) {
    const status = box && box.querySelector("[role=status]");
    if (status && message) status.textContent = message;
  }

  function showCitedWords() {
    unmark();
    const quote = quoteFromHash(window.location.hash);
    if (!quote) return;
    const map = textMap();
    const found = locate(map.text, quote);
    if (!found) {
      announce(box && box.dataset.notFound);
      return;
    }
    const marks = mark(map, found.start, found.end);
    marks[0].tabIndex = -1;
    marks[0].scrollIntoView({ block: "center" });
    marks[0].focus({ preventScroll: true });
    announce(box && box.dataset.found);
  }

  function setUpSelection() {
    const button = box.querySelector("[data-cite-selection-button]");
    const preview = box.querySelector("[role=status]");
    const result = box.querySelector("[data-cite-selection-result]");
    const citation = box.querySelector("#selection-citation");
    const link = box.querySelector("#selection-link");
    let chosen = null;
    box.hidden = false;
    // The last selection in the passage is kept: pressing the button may clear the selection.
    document.addEventListener("selectionchange", () => {
      const quote = selectedQuote();
      if (!quote) return;
      chosen = quote;
      button.disabled = false;
      preview.textContent = box.dataset.selected.replace("%s", quote.exact);
    });
    button.addEventListener("click", async () => {
      if (!chosen) return;
      const quote = chosen;
      const { exact, prefix, suffix } = quote;
      const params = new URLSearchParams({ quote: exact, prefix, suffix });
      if (box.dataset.revision) params.set("rev", box.dataset.revision);
      preview.textContent = box.dataset.working;
      try {
        const response = await fetch(`${box.dataset.citeUrl}?${params}`);
        const text = (await response.text()).trim();
        if (!response.ok) throw new Error(text);
        const url = `${box.dataset.pageUrl}#${selectorFragment(quote)}`;
        citation.textContent = text;
        link.href = url;
        link.textContent = url;
        result.hidden = false;
        preview.textContent = box.dataset.ready;
      } catch (error) {
        result.hidden = true;
        preview.textContent = `${box.dataset.failed} ${error.message}`.trim();
      }
    });
  }

  if (box) setUpSelection();
  showCitedWords();
  window.addEventListener("hashchange", showCitedWords);
})();
