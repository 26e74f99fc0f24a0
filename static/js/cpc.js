// Behaviour of the pages, kept out of the HTML: the Content Security Policy allows no inline
// script and no on* attributes.
"use strict";

// <button data-print>: print the page (the dialogue preparation pack).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    event.preventDefault();
    window.print();
  }
});

// The error summary of a form sent back with errors (includes/form_errors.html) takes the
// focus, so the person hears what is wrong first; its links lead to each field.
const focusErrorSummary = () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
};
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", focusErrorSummary);
} else {
  focusErrorSummary();
}

// USWDS's file input writes its words in English ("Drag file here or choose from folder",
// "Change file"...): they are put in the reader's language from the words the page carries
// (templates/includes/file_input_text.html), now and whenever the widget rewrites them.
const fileInputWords = () => {
  const holder = document.querySelector("[data-file-input-text]");
  if (!holder) {
    return null;
  }
  const t = holder.dataset;
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, name) => values[name]);
  return {
    exact: new Map([
      ["Drag file here or", t.dragFile], ["Drag files here or", t.dragFiles],
      ["choose from folder", t.choose], ["Choose from folder", t.chooseCapital],
      ["Change file", t.changeFile], ["Change files", t.changeFiles],
      ["Selected file", t.selectedFile], ["No file selected.", t.noFile],
      ["No files selected.", t.noFiles], ["Error: This is not a valid file type.", t.invalid],
      ["Drag file here or choose from folder", `${t.dragFile} ${t.choose}`],
      ["Drag files here or choose from folder", `${t.dragFiles} ${t.choose}`],
    ]),
    patterns: [
      [/^(\d+) files selected$/, (m) => fill(t.filesSelected, { count: m[1] })],
      [/^You have selected the file: (.*)$/s,
        (m) => fill(t.selectedTheFile, { names: m[1] })],
      [/^You have selected (\d+) files: (.*)$/s,
        (m) => fill(t.selectedFiles, { count: m[1], names: m[2] })],
    ],
  };
};

const wordFor = (words, text) => {
  const trimmed = text.trim();
  if (words.exact.has(trimmed)) {
    return text.replace(trimmed, words.exact.get(trimmed));
  }
  for (const [pattern, make] of words.patterns) {
    const match = trimmed.match(pattern);
    if (match) {
      return text.replace(trimmed, make(match));
    }
  }
  return null;
};

const translateFileInput = (widget, words) => {
  const walker = document.createTreeWalker(widget, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const word = wordFor(words, node.nodeValue);
    if (word !== null && word !== node.nodeValue) {
      node.nodeValue = word;
    }
  }
  for (const element of widget.querySelectorAll("[aria-label]")) {
    const word = wordFor(words, element.getAttribute("aria-label"));
    if (word !== null && word !== element.getAttribute("aria-label")) {
      element.setAttribute("aria-label", word);
    }
  }
};

const translateFileInputs = () => {
  const words = fileInputWords();
  if (!words || !document.documentElement.lang || document.documentElement.lang.startsWith("en")) {
    return;
  }
  const translateAll = () => {
    for (const widget of document.querySelectorAll(".usa-file-input")) {
      translateFileInput(widget, words);
    }
  };
  translateAll();
  // USWDS builds the widget once the page has loaded, and rewrites it when a file is chosen.
  new MutationObserver((mutations) => {
    const widgets = new Set();
    for (const mutation of mutations) {
      const node = mutation.target.nodeType === Node.ELEMENT_NODE
        ? mutation.target : mutation.target.parentElement;
      const widget = node && node.closest(".usa-file-input");
      if (widget) {
        widgets.add(widget);
      } else if (node && node.querySelector && node.querySelector(".usa-file-input")) {
        node.querySelectorAll(".usa-file-input").forEach((found) => widgets.add(found));
      }
    }
    widgets.forEach((widget) => translateFileInput(widget, words));
  }).observe(document.body, {
    subtree: true, childList: true, characterData: true, attributes: true,
    attributeFilter: ["aria-label"],
  });
};

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", translateFileInputs);
} else {
  translateFileInputs();
}
