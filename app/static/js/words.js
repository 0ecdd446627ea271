// What each status and outcome value is called, read once from /api/words (one table in
// app/words.py), so no page copies the server's enums by hand.
import { api, tag } from "/static/js/api.js";

let words = {};
try {
  words = await api.get("/api/words", { redirectOn401: false });
} catch {
  words = {}; // the values still show, in plain words
}

function entry(kind, value) {
  return (words[kind] || {})[value];
}

// word("swap_status", "pending") -> "Waiting"
export function word(kind, value) {
  const found = entry(kind, value);
  return found ? found.text : String(value ?? "").replaceAll("_", " ");
}

// The value as a coloured tag: the words say it, the colour only adds to them.
export function wordTag(kind, value) {
  const found = entry(kind, value);
  return tag(found ? found.text : word(kind, value), found ? found.colour : "grey");
}

// [[value, words], ...] in the server's order, for selects and radios.
export function choices(kind) {
  return Object.entries(words[kind] || {}).map(([value, found]) => [value, found.text]);
}

// The tag colour the server gives a value ("" is the default blue; grey when unknown).
export function colourOf(kind, value) {
  const found = entry(kind, value);
  return found ? found.colour : "grey";
}

// The value as a GOV.UK Frontend tag (sentence case, as a social worker would write it).
export function govukWordTag(kind, value) {
  const colour = colourOf(kind, value);
  const element = document.createElement("strong");
  element.className = colour ? `govuk-tag govuk-tag--${colour}` : "govuk-tag";
  element.textContent = word(kind, value);
  return element;
}
