// What the workers pages share: the lines as checkboxes, a worker's status as a tag, and
// the words for a phone number the API refused.
import { api, h } from "/static/js/api.js";

export function statusTag(active) {
  return active
    ? h("strong", { class: "govuk-tag govuk-tag--green" }, "Active")
    : h("strong", { class: "govuk-tag govuk-tag--grey" }, "Deactivated");
}

export function linesInWords(lines) {
  return lines.length ? lines.map((line) => line.name).join(", ") : "None: on call only";
}

// The lines (admins and coordinators may read them), as GOV.UK checkboxes in `container`.
// The first checkbox has the id "lines", so an error can link to the set.
export async function lineCheckboxes(container, checkedKeys = []) {
  const lines = await api.get("/api/lines");
  container.replaceChildren(...lines.map((line, index) => {
    const id = index === 0 ? "lines" : `lines-${line.key}`;
    return h("div", { class: "govuk-checkboxes__item" },
      h("input", { class: "govuk-checkboxes__input", type: "checkbox", id, name: "lines", value: line.key, checked: checkedKeys.includes(line.key) }),
      h("label", { class: "govuk-label govuk-checkboxes__label", for: id }, line.name));
  }));
  return lines;
}

export function checkedLines(form) {
  return [...form.querySelectorAll("input[name=lines]:checked")].map((input) => input.value);
}

// The API never repeats a number it refused (its messages may reach logs): the page does,
// from what was typed, so the person sees which number was wrong.
export function phoneWords(typed) {
  return (message) => /not a valid phone number/i.test(message)
    ? `“${typed}” is not a valid UK phone number. Enter a mobile or landline, like 07700 900123`
    : message.charAt(0).toUpperCase() + message.slice(1);
}

export function loaded() {
  document.body.dataset.workersLoaded = String(Number(document.body.dataset.workersLoaded || 0) + 1);
}
