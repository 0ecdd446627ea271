// What each status and outcome value is called, read once from /api/words (one table in
// app/words.py), so no page copies the server's enums by hand.
import { api } from "/static/js/api.js";
import { govukTag } from "/static/js/govuk.js";

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
  return govukTag(word(kind, value), colourOf(kind, value));
}
