// The conversation record: the call's facts (read-only), the sections as GOV.UK Frontend
// fieldsets with autosave of the sections changed, completion with an error summary; a
// record nobody here may change (completed, or with someone else) as GOV.UK summary lists,
// printable; addenda; and the earlier contacts panel with the re-referral flag and, when the
// match cannot be made, what it needs and the likely matches to confirm.
import {
  ApiError, announce, api, formatDate, formatDateTime, h, hasRole, me, staffWorkers,
} from "/static/js/api.js";
import { formatClockSeconds } from "/static/js/london.js";
import { dateInputElement, readDate } from "/static/js/govuk_dates.js";
import { clearErrors, govukTag, showErrors } from "/static/js/govuk.js";
import { choices, govukWordTag, word } from "/static/js/words.js";

const SAVE_DELAY_MS = 800;

const CONCERNS = [
  ["neglect", "Neglect"],
  ["physical_abuse", "Physical abuse"],
  ["emotional_abuse", "Emotional abuse"],
  ["sexual_abuse", "Sexual abuse"],
  ["domestic_abuse", "Domestic abuse"],
  ["parental_mental_health", "Parental mental health"],
  ["substance_misuse", "Substance misuse"],
  ["exploitation", "Exploitation"],
  ["other", "Other"],
];
const OUTCOMES = choices("record_outcome");
const CONSENT = [["given", "Given"], ["refused", "Refused"], ["not_sought", "Not sought"]];
const AGENCIES = [
  ["police", "Police"], ["health", "Health"], ["education", "Education"],
  ["childrens_social_care", "Children's social care"], ["other", "Other"],
];
// Annex A's codes (Ofsted's List 1), shown in words: the contact's source, a child's
// gender and ethnicity (the census codes).
const CONTACT_SOURCES = [
  ["1A", "Family member, relative or carer"], ["1B", "Acquaintance (neighbour, childminder)"],
  ["1C", "The child themself"], ["1D", "Other individual (a stranger)"], ["2A", "School"],
  ["2B", "Education services"], ["3A", "Health: GP"], ["3B", "Health: health visitor"],
  ["3C", "Health: school nurse"], ["3D", "Health: other primary health services"],
  ["3E", "Health: A&E"], ["3F", "Health: other (hospice...)"],
  ["4", "Housing (council or housing association)"],
  ["5A", "Local authority: social care (adults' social care...)"],
  ["5B", "Local authority: other internal (youth offending...)"],
  ["5C", "Local authority: external (another council's services)"],
  ["5D", "Local authority: early help"], ["6", "Police"],
  ["7", "Other legal agency (courts, probation, immigration, Cafcass, prison)"],
  ["8", "Other (children's centres, independent providers, voluntary organisations)"],
  ["9", "Anonymous"], ["10", "Unknown"],
];
const GENDERS = [["male", "Male"], ["female", "Female"], ["not_stated", "Not stated or recorded"], ["neither", "Neither"]];
const ETHNICITIES = [
  ["WBRI", "White British"], ["WIRI", "White Irish"], ["WIRT", "Traveller of Irish heritage"],
  ["WOTH", "Any other White background"], ["WROM", "Gypsy or Roma"],
  ["MWBC", "White and Black Caribbean"], ["MWBA", "White and Black African"],
  ["MWAS", "White and Asian"], ["MOTH", "Any other Mixed background"], ["AIND", "Indian"],
  ["APKN", "Pakistani"], ["ABAN", "Bangladeshi"], ["AOTH", "Any other Asian background"],
  ["BCRB", "Caribbean"], ["BAFR", "African"], ["BOTH", "Any other Black background"],
  ["CHNE", "Chinese"], ["OOTH", "Any other ethnic group"], ["REFU", "Refused"],
  ["NOBT", "Information not yet obtained"],
];
const CHECK_STATUS = choices("check_status");

// The form, section by section (DOMAIN.md: what a conversation record holds). Field ids
// follow the API's error locations: ["record", "household", "children", 0, "name"] is
// the input with id "household-children-0-name".
const SECTIONS = [
  { key: "caller", legend: "Caller", fields: [
    { name: "kind", label: "Who is calling?", type: "radios", options: [["professional", "A professional"], ["public", "A member of the public"]] },
    { name: "name", label: "Caller's name", max: 120 },
    { name: "role", label: "Role", hint: "For professionals, for example school nurse.", max: 120 },
    { name: "organisation", label: "Organisation", hint: "For professionals.", max: 160 },
    { name: "relationship", label: "Relationship to the child", hint: "For members of the public.", max: 120 },
    { name: "contact_number", label: "Number to call back on", type: "tel", max: 32, short: true },
    { name: "consent_to_contact", label: "May the caller be contacted again?", type: "yesno" },
    { name: "contact_source", label: "Where the contact comes from", hint: "As Ofsted's Annex A return counts it.", type: "select", options: CONTACT_SOURCES },
  ] },
  { key: "household", legend: "Children and household", fields: [
    { name: "children", label: "Children", type: "list", item: "Child", add: "Add a child", fields: [
      { name: "name", label: "Name", max: 120 },
      { name: "date_of_birth", label: "Date of birth", type: "date", hint: "Or give an approximate age." },
      { name: "approximate_age", label: "Approximate age in years", type: "number", min: 0, max: 25 },
      { name: "address", label: "Address", max: 300 },
      { name: "postcode", label: "Postcode", max: 10, short: true },
      { name: "school", label: "School or setting", max: 160 },
      { name: "reference", label: "Reference", hint: "A case reference, if there is one.", max: 64, short: true },
      { name: "gender", label: "Gender", hint: "Optional.", type: "select", options: GENDERS },
      { name: "ethnicity", label: "Ethnicity", hint: "Optional.", type: "select", options: ETHNICITIES },
    ] },
    { name: "others", label: "Other people in the household", type: "list", item: "Person", add: "Add a person in the household", fields: [
      { name: "name", label: "Name", max: 120 },
      { name: "relationship", label: "Relationship to the child", max: 120 },
      { name: "age", label: "Age", type: "number", min: 0, max: 120 },
      { name: "notes", label: "Notes", type: "textarea", max: 1000, rows: 2 },
    ] },
  ] },
  { key: "worry", legend: "The worry", fields: [
    { name: "in_callers_words", label: "What is the caller worried about?", hint: "In the caller's own words.", type: "textarea", max: 10000, rows: 8 },
  ] },
  { key: "concerns", legend: "Concerns", fields: [
    { name: "categories", label: "Concern categories", hint: "Select all that apply.", type: "checkboxes", options: CONCERNS },
    { name: "other_detail", label: "Other concern", hint: "If you chose other.", max: 500 },
  ] },
  { key: "strengths_risks", legend: "Strengths and risks", fields: [
    { name: "strengths", label: "Strengths in the family", type: "textarea", max: 5000 },
    { name: "risks", label: "Risks", type: "textarea", max: 5000 },
  ] },
  { key: "checks", legend: "Safeguarding checks", fields: [
    { name: "items", label: "Checks agreed", type: "list", item: "Check", add: "Add a check", fields: [
      { name: "agency", label: "Agency", type: "select", options: AGENCIES },
      { name: "agency_detail", label: "Which agency", hint: "If other.", max: 120 },
      { name: "status", label: "Status", type: "select", options: CHECK_STATUS, required: true },
      { name: "checked_on", label: "Date checked", type: "date" },
      { name: "result", label: "Result", type: "textarea", max: 2000, rows: 3 },
    ] },
  ] },
  { key: "consent", legend: "Consent", fields: [
    { name: "family_aware", label: "Does the family know about this contact?", type: "yesno" },
    { name: "to_share", label: "Consent to share information", type: "radios", options: CONSENT },
    { name: "to_contact", label: "Consent to contact the family", type: "radios", options: CONSENT },
    { name: "basis", label: "Basis for sharing without consent", hint: "If information is shared without consent.", type: "textarea", max: 1000, rows: 3 },
  ] },
  { key: "outcome", legend: "Agreed outcome", fields: [
    { name: "decision", label: "What was agreed?", type: "radios", options: OUTCOMES },
    { name: "summary", label: "The advice or next step agreed", type: "textarea", max: 4000, rows: 4 },
    { name: "reason", label: "Reason for no further action", type: "textarea", max: 2000, rows: 3 },
    { name: "actions", label: "Who will do what by when", type: "list", item: "Action", add: "Add an action", fields: [
      { name: "who", label: "Who", max: 120 },
      { name: "what", label: "What", type: "textarea", max: 1000, rows: 2 },
      { name: "by", label: "By when", type: "date" },
    ] },
  ] },
];

const root = document.getElementById("record");
const recordId = Number(root.dataset.recordId);
const form = document.getElementById("record-form");
const saveStatus = document.getElementById("save-status");

let record = null;
let user = null;
let editable = false;
const dirty = new Set();
let saveTimer = null;
let saving = null; // the save in flight, if any

// ---- building the form ------------------------------------------------------------------

function hintOf(field, id) {
  return field.hint ? h("div", { class: "govuk-hint", id: `${id}-hint` }, field.hint) : null;
}

function choiceGroup(field, id, value) {
  const type = field.type;
  const options = type === "yesno" ? [["yes", "Yes"], ["no", "No"]] : field.options;
  const selected = type === "yesno" ? (value === true ? "yes" : value === false ? "no" : null) : value;
  const kind = type === "checkboxes" ? "checkboxes" : "radios";
  const items = options.map(([optionValue, label], index) => {
    const optionId = index === 0 ? id : `${id}-${optionValue}`;
    const checked = type === "checkboxes" ? (selected || []).includes(optionValue) : selected === optionValue;
    return h("div", { class: `govuk-${kind}__item` },
      h("input", { class: `govuk-${kind}__input`, type: kind === "radios" ? "radio" : "checkbox", id: optionId, name: id, value: optionValue, checked }),
      h("label", { class: `govuk-label govuk-${kind}__label`, for: optionId }, label));
  });
  return h("div", { class: "govuk-form-group" },
    h("fieldset", { class: "govuk-fieldset", "aria-describedby": field.hint ? `${id}-hint` : null },
      h("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s" }, field.label), hintOf(field, id),
      h("div", { class: `govuk-${kind} govuk-${kind}--small${type === "yesno" ? " govuk-radios--inline" : ""}`, "data-module": `govuk-${kind}` }, items)));
}

function fieldGroup(field, id, value) {
  const type = field.type || "text";
  if (["radios", "yesno", "checkboxes"].includes(type)) return choiceGroup(field, id, value);
  if (type === "date") return dateInputElement(id, field.label, { hint: field.hint ? `${field.hint} For example, 27 3 2019` : "For example, 27 3 2019", iso: value, dayIsId: true });
  const described = field.hint ? `${id}-hint` : null;
  let control;
  if (type === "textarea") {
    control = h("textarea", { class: "govuk-textarea", id, name: id, rows: field.rows || 5, maxlength: field.max, "aria-describedby": described });
    control.value = value || "";
  } else if (type === "select") {
    control = h("select", { class: "govuk-select", id, name: id, "aria-describedby": described },
      field.required ? null : h("option", { value: "" }, "Choose"),
      field.options.map(([optionValue, label]) => h("option", { value: optionValue, selected: value === optionValue }, label)));
  } else {
    const width = type === "number" ? " govuk-input--width-3" : field.short ? " govuk-input--width-10" : "";
    const attributes = { class: `govuk-input${width}`, id, name: id, type: type === "number" ? "text" : type,
      "aria-describedby": described, maxlength: field.max, spellcheck: type === "text" ? null : "false" };
    if (type === "number") Object.assign(attributes, { inputmode: "numeric", maxlength: 3 });
    if (type === "tel") attributes.autocomplete = "off";
    control = h("input", attributes);
    control.value = value === null || value === undefined ? "" : String(value);
    if (type === "tel" && value) control.value = record.contact_number_words || control.value;
  }
  return h("div", { class: "govuk-form-group" }, h("label", { class: "govuk-label", for: id }, field.label), hintOf(field, id), control);
}

function listGroup(field, id, items) {
  const container = h("div", { id: `${id}-list`, dataset: { count: items.length } });
  items.forEach((item, index) => container.append(listItem(field, id, index, item)));
  const add = h("button", { type: "button", class: "govuk-button govuk-button--secondary", id, dataset: { add: id } }, field.add);
  add.addEventListener("click", () => {
    const current = readList(field, id);
    current.push({});
    rerenderList(field, id, current);
    const first = document.getElementById(`${id}-${current.length - 1}-${field.fields[0].name}`);
    if (first) first.focus();
    changed(sectionOf(add));
  });
  return h("div", { class: "govuk-form-group", dataset: { list: id } },
    h("h3", { class: "govuk-heading-m" }, field.label), container, add);
}

function listItem(field, id, index, item) {
  const base = `${id}-${index}`;
  const remove = h("button", { type: "button", class: "govuk-button govuk-button--warning", dataset: { remove: base } },
    "Remove", h("span", { class: "govuk-visually-hidden" }, ` ${field.item.toLowerCase()} ${index + 1}`));
  remove.addEventListener("click", () => {
    const section = sectionOf(remove);
    const current = readList(field, id);
    current.splice(index, 1);
    rerenderList(field, id, current);
    document.getElementById(id).focus();
    changed(section);
  });
  return h("fieldset", { class: "govuk-fieldset app-repeat", id: base },
    h("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--m" }, `${field.item} ${index + 1}`),
    field.fields.map((sub) => fieldGroup(sub, `${base}-${sub.name}`, item[sub.name])),
    remove);
}

function rerenderList(field, id, items) {
  const container = document.getElementById(`${id}-list`);
  container.replaceChildren(...items.map((item, index) => listItem(field, id, index, item)));
  container.dataset.count = String(items.length);
}

function contents() {
  return h("nav", { class: "govuk-!-margin-bottom-6", "aria-labelledby": "contents-heading" },
    h("h2", { class: "govuk-heading-m", id: "contents-heading" }, "Sections"),
    h("ol", { class: "govuk-list govuk-list--number" }, SECTIONS.map((section) =>
      h("li", {}, h("a", { class: "govuk-link", href: `#section-${section.key}` }, section.legend)))));
}

function buildForm(content) {
  const sections = document.getElementById("sections");
  sections.replaceChildren(contents());
  for (const section of SECTIONS) {
    const values = content[section.key] || {};
    sections.append(h("fieldset", { class: "govuk-fieldset app-section", id: `section-${section.key}`, dataset: { section: section.key } },
      h("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--l" }, h("h2", { class: "govuk-fieldset__heading" }, section.legend)),
      section.fields.map((field) => {
        const id = `${section.key}-${field.name}`;
        return field.type === "list" ? listGroup(field, id, values[field.name] || []) : fieldGroup(field, id, values[field.name]);
      })));
  }
}

// ---- the read-only record: GOV.UK summary lists ----------------------------------------

function inWords(field, value) {
  const type = field.type || "text";
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return null;
  if (type === "yesno") return value ? "Yes" : "No";
  if (type === "date") return formatDate(value);
  if (type === "checkboxes") {
    return h("ul", { class: "govuk-list" }, value.map((v) => h("li", {}, (field.options.find(([o]) => o === v) || [v, v])[1])));
  }
  if (field.options) return (field.options.find(([o]) => o === value) || [value, String(value)])[1];
  if (type === "tel") return record.contact_number_words || value; // 01305 220000, not +44...
  const lines = String(value).split("\n");
  return lines.flatMap((line, index) => (index ? [h("br"), line] : [line]));
}

function summaryList(fields, values) {
  const rows = fields.map((field) => {
    const said = inWords(field, values[field.name]);
    return said === null ? null : h("div", { class: "govuk-summary-list__row" },
      h("dt", { class: "govuk-summary-list__key" }, field.label),
      h("dd", { class: "govuk-summary-list__value" }, said));
  }).filter(Boolean);
  return rows.length ? h("dl", { class: "govuk-summary-list" }, rows) : null;
}

function summaryCards(field, items) {
  return items.map((item, index) => {
    const title = item.name || item.who || (field.item === "Check" && item.agency ? inWords(field.fields[0], item.agency) : null);
    return h("div", { class: "govuk-summary-card" },
      h("div", { class: "govuk-summary-card__title-wrapper" },
        h("h4", { class: "govuk-summary-card__title" }, `${field.item} ${index + 1}${title ? `: ${title}` : ""}`)),
      h("div", { class: "govuk-summary-card__content" },
        summaryList(field.fields, item) || h("p", { class: "govuk-body" }, "Nothing recorded.")));
  });
}

function renderSummary(content) {
  const container = document.getElementById("record-summary");
  container.replaceChildren(...SECTIONS.map((section) => {
    const values = content[section.key] || {};
    const simple = section.fields.filter((f) => f.type !== "list");
    const lists = section.fields.filter((f) => f.type === "list" && (values[f.name] || []).length);
    const body = [summaryList(simple, values),
      ...lists.map((f) => [h("h3", { class: "govuk-heading-s" }, f.label), ...summaryCards(f, values[f.name])])].flat().filter(Boolean);
    return h("section", { id: `summary-${section.key}`, "aria-labelledby": `summary-${section.key}-heading` },
      h("h2", { class: "govuk-heading-l", id: `summary-${section.key}-heading` }, section.legend),
      body.length ? body : h("p", { class: "govuk-body" }, "Nothing recorded."));
  }));
}

// ---- reading the form -------------------------------------------------------------------

// Dates that cannot be read, as [{loc: [id], msg}], filled by readField.
let dateProblems = [];

function readField(field, id) {
  const type = field.type || "text";
  if (type === "list") return readList(field, id);
  if (type === "radios" || type === "yesno") {
    const checked = form.querySelector(`input[name="${CSS.escape(id)}"]:checked`);
    if (type === "yesno") return checked ? checked.value === "yes" : null;
    return checked ? checked.value : null;
  }
  if (type === "checkboxes") {
    return [...form.querySelectorAll(`input[name="${CSS.escape(id)}"]:checked`)].map((input) => input.value);
  }
  if (type === "date") {
    const read = readDate(id, { label: field.label, dayIsId: true });
    if (read.error) dateProblems.push({ loc: [id], msg: read.error, part: read.part });
    return read.value ?? null;
  }
  const value = document.getElementById(id).value;
  if (type === "select") return value || null;
  if (type === "number") {
    const text = value.trim();
    if (!text) return null;
    return /^\d+$/.test(text) ? Number(text) : text; // not a number: the API says so, by field
  }
  return value;
}

function readList(field, id) {
  const count = Number(document.getElementById(`${id}-list`).dataset.count);
  const items = [];
  for (let index = 0; index < count; index += 1) {
    const item = {};
    for (const sub of field.fields) item[sub.name] = readField(sub, `${id}-${index}-${sub.name}`);
    items.push(item);
  }
  return items;
}

function readSection(key) {
  const section = SECTIONS.find((s) => s.key === key);
  const values = {};
  for (const field of section.fields) values[field.name] = readField(field, `${key}-${field.name}`);
  return values;
}

function sectionOf(element) {
  return element.closest("[data-section]").dataset.section;
}

// ---- autosave ---------------------------------------------------------------------------

function changed(section) {
  if (!editable) return;
  dirty.add(section);
  saveStatus.textContent = "Changes not saved yet";
  window.clearTimeout(saveTimer);
  saveTimer = window.setTimeout(() => save({ quiet: true }), SAVE_DELAY_MS);
}

// Error locations to field ids, falling back to the nearest thing that exists
// (["record", "outcome", "actions"] is the "Add an action" button).
function fieldIdFor(loc) {
  const parts = loc.filter((part) => !["body", "record"].includes(part));
  while (parts.length) {
    const id = parts.join("-");
    if (document.getElementById(id)) return id;
    parts.pop();
  }
  return "";
}

function sectionLabel(key) {
  return (SECTIONS.find((s) => s.key === key) || { legend: key }).legend;
}

// The changed sections as the API takes them. A section holding a date that cannot be read
// stays unsaved (nothing typed is lost); `problems` says why, in words.
function sectionsToSend() {
  const body = { versions: {} };
  const problems = [];
  const held = [];
  for (const key of dirty) {
    dateProblems = [];
    const values = readSection(key);
    if (dateProblems.length) {
      problems.push(...dateProblems);
      held.push(key);
      continue;
    }
    body[key] = values;
    if (record.versions && record.versions[key] !== undefined) body.versions[key] = record.versions[key];
  }
  return { body, problems, held };
}

// Save the changed sections now. Resolves true when everything is saved. `quiet` (autosave
// while typing): a date not yet finished is said in the status line, not as an error.
async function save({ quiet = false } = {}) {
  window.clearTimeout(saveTimer);
  if (saving) await saving;
  if (!dirty.size) return true;
  const { body, problems, held } = sectionsToSend();
  const sections = Object.keys(body).filter((key) => key !== "versions");
  dirty.clear();
  held.forEach((key) => dirty.add(key));
  if (problems.length && !quiet) showErrors(problems, { form, fieldIdFor });
  if (!sections.length) {
    saveStatus.textContent = `Not saved: ${problems[0].msg.charAt(0).toLowerCase()}${problems[0].msg.slice(1)}`;
    return false;
  }
  saveStatus.textContent = "Saving…";
  saving = (async () => {
    try {
      const saved = await api.patch(`/api/records/${recordId}`, body);
      record.versions = saved.versions;
      record.flags = saved.flags;
      record.content = saved.content;
      record.contact_number_words = saved.contact_number_words;
      if (!problems.length) clearErrors(form);
      saveStatus.textContent = problems.length
        ? `Saved at ${formatClockSeconds()}, except ${held.map(sectionLabel).join(", ")}: ${problems[0].msg}`
        : `Saved at ${formatClockSeconds()}`;
      renderTags();
      // A child named or dated differently may match earlier contacts now.
      if (sections.includes("household") || sections.includes("caller")) loadEarlierContacts();
      return !problems.length;
    } catch (error) {
      sections.forEach((key) => dirty.add(key));
      saveStatus.textContent = "Not saved";
      if (error instanceof ApiError && error.status === 409) {
        showErrors([{ loc: [], msg: `Someone else changed ${sections.map(sectionLabel).join(", ")} since you opened the record. Copy your changes, then reload the page.` }], { form });
      } else if (error instanceof ApiError && error.status === 422) {
        showErrors([...error.details, ...problems], { form, fieldIdFor });
      } else {
        showErrors([{ loc: [], msg: `Your changes were not saved: ${error.message}` }], { form });
      }
      return false;
    } finally {
      saving = null;
    }
  })();
  return saving;
}

// ---- completing -------------------------------------------------------------------------

async function complete(event) {
  event.preventDefault();
  if (!editable) return;
  const button = document.getElementById("complete-button");
  button.disabled = true;
  try {
    if (!(await save())) return;
    record = await api.post(`/api/records/${recordId}/complete`);
    clearErrors(form);
    render();
    document.getElementById("locked-banner").focus();
  } catch (error) {
    if (error instanceof ApiError && error.status === 422) {
      showErrors(error, { form, fieldIdFor, title: "The record cannot be completed yet" });
    } else {
      showErrors([{ loc: [], msg: error.message }], { form });
    }
  } finally {
    button.disabled = false;
  }
}

// ---- rendering --------------------------------------------------------------------------

function assigneeOf(r) {
  return r.assigned_worker || r.call.accepted_worker || null;
}

function renderTags() {
  const tags = document.getElementById("record-tags");
  const items = [govukWordTag("record_status", record.status)];
  if (record.flags.out_of_hours) items.push(govukTag("Out of hours", "purple"));
  if (record.flags.re_referral) items.push(govukTag("Re-referral", "red"));
  tags.replaceChildren(...items.flatMap((item) => [item, " "]));
}

function fact(key, value) {
  return h("div", { class: "govuk-summary-list__row" }, h("dt", { class: "govuk-summary-list__key" }, key),
    h("dd", { class: "govuk-summary-list__value" }, value || "Not known"));
}

function renderFacts() {
  const call = record.call;
  const legs = call.legs.length
    ? h("ul", { class: "govuk-list" }, call.legs.map((leg) => h("li", {},
      `${leg.worker ? leg.worker.name : leg.number} (step ${leg.step + 1}): ${word("leg_result", leg.result)}`,
      leg.accepted ? [" ", govukTag("Accepted", "green")] : null)))
    : "Nobody";
  const duration = call.duration_seconds === null || call.duration_seconds === undefined
    ? null : `${Math.floor(call.duration_seconds / 60)} min ${call.duration_seconds % 60} s`;
  document.getElementById("call-facts").replaceChildren(...[
    fact("Line", `${call.line.name} (${call.line.number_words})`),
    call.dialled_known ? null : fact("Number dialled",
      `${call.dialled_words}, which matches no line: answered as the ${call.line.name.toLowerCase()}`),
    fact("Caller's number", call.caller_words),
    fact("When", `${formatDateTime(call.started_at)}, ${call.out_of_hours ? "out of hours" : "in hours"}`),
    fact("Answered", call.answered_at ? formatDateTime(call.answered_at) : "Not answered"),
    fact("Ended", call.ended_at ? formatDateTime(call.ended_at) : "Still going"),
    fact("Length", duration),
    call.queue ? fact("Queue", queueWords(call.queue)) : null,
    fact("Who was rung", legs),
    fact("Accepted by", call.accepted_worker ? call.accepted_worker.name : "Nobody"),
  ].filter(Boolean));
}

// The call's time in its line's queue (issue 12), in words.
function queueWords(queue) {
  const place = queue.position_on_arrival === 1 ? "nobody ahead" : `place ${queue.position_on_arrival} on arrival`;
  if (queue.waited_seconds === null) return `Waiting since ${formatDateTime(queue.queued_at)} (${place})`;
  const waited = `${Math.floor(queue.waited_seconds / 60)} min ${queue.waited_seconds % 60} s`;
  const how = {
    bridged: "then connected to a social worker",
    callback: "then chose a callback instead of waiting",
    max_wait: "the longest wait: then went on to the next step",
    hangup: "then hung up",
  }[queue.result] || "then left the queue";
  return `Waited ${waited} (${place}), ${how}`;
}

function renderAddenda() {
  const section = document.getElementById("addenda-section");
  section.hidden = !record.locked;
  const list = document.getElementById("addenda");
  if (!record.addenda.length) {
    list.replaceChildren(h("p", { class: "govuk-body" }, "No addenda."));
  } else {
    list.replaceChildren(h("dl", { class: "govuk-summary-list" }, record.addenda.map((addendum) =>
      h("div", { class: "govuk-summary-list__row", dataset: { addendum: addendum.id } },
        h("dt", { class: "govuk-summary-list__key" }, formatDateTime(addendum.at), h("br"), addendum.author_name),
        h("dd", { class: "govuk-summary-list__value" }, ...inWords({}, addendum.text))))));
  }
  const assignee = assigneeOf(record);
  const mine = user.worker && assignee && assignee.id === user.worker.id;
  document.getElementById("addendum-form").hidden = !(mine || hasRole(user, "manager"));
}

function render() {
  const assignee = assigneeOf(record);
  const mine = Boolean(user.worker && assignee && assignee.id === user.worker.id && hasRole(user, "worker"));
  editable = !record.locked && mine;
  const named = record.content.household.children.map((c) => c.name).filter(Boolean);
  document.getElementById("record-heading").textContent = record.content.household.children.length
    ? `Conversation record: ${named.join(", ") || "child not named"}`
    : "Conversation record";
  renderTags();
  renderFacts();
  // Only the worker it is with changes an open record; everyone else reads it as a summary.
  form.hidden = !editable;
  document.getElementById("record-summary").hidden = editable;
  if (editable) {
    buildForm(record.content);
  } else {
    document.getElementById("sections").replaceChildren();
    renderSummary(record.content);
  }
  const banner = document.getElementById("locked-banner");
  banner.hidden = !record.locked;
  if (record.locked) {
    document.getElementById("locked-text").textContent =
      `Completed ${formatDateTime(record.completed_at)}${record.completed_by_name ? ` by ${record.completed_by_name}` : ""}. The record is locked: add anything new as an addendum.`;
  }
  const note = document.getElementById("read-only-note");
  note.hidden = record.locked || editable;
  note.textContent = assignee
    ? `This record is with ${assignee.name}. Only they can change it while it is open.`
    : "This record is not with anyone yet.";
  renderAddenda();
  document.getElementById("audit-link").hidden = !hasRole(user, "manager");
  document.getElementById("assign-form").hidden = !(hasRole(user, "manager") && !record.locked);
}

// ---- reassigning (managers) -------------------------------------------------------------

async function loadWorkers() {
  const workers = await staffWorkers();
  if (!workers) return;
  const select = document.getElementById("assign-worker");
  const current = assigneeOf(record);
  for (const worker of workers.filter((w) => w.active)) {
    select.append(h("option", { value: worker.id }, current && current.id === worker.id ? `${worker.name} (has it now)` : worker.name));
  }
}

async function assign(event) {
  event.preventDefault();
  const assignForm = event.target;
  clearErrors(assignForm);
  const workerId = Number(assignForm.worker_id.value);
  if (!workerId) {
    showErrors([{ loc: ["assign-worker"], msg: "Choose the worker to give the record to" }], { form: assignForm, fieldIdFor: (loc) => loc[0] });
    return;
  }
  try {
    record = await api.post(`/api/records/${recordId}/assign`, { worker_id: workerId });
    render();
    announce(document.getElementById("assign-status"), `The record is now with ${assigneeOf(record).name}.`);
  } catch (error) {
    showErrors(error instanceof ApiError && error.status === 422 ? error : [{ loc: [], msg: error.message }],
      { form: assignForm, fieldIdFor: () => "assign-worker" });
  }
}

// ---- earlier contacts -------------------------------------------------------------------

// What an earlier contact matched on, in words, the child's first.
const MATCHED_ON = {
  child_name_and_date_of_birth: "the child's name and date of birth",
  child_reference: "the child's reference",
  child_name: "the child's name",
  confirmed_same_child: "a worker's word that it is the same child",
  caller_number: "the caller's number",
};

function matchedOn(reasons) {
  const known = Object.keys(MATCHED_ON).filter((key) => reasons.includes(key)).map((key) => MATCHED_ON[key]);
  const other = reasons.filter((key) => !MATCHED_ON[key]).map((key) => key.replaceAll("_", " "));
  return [...known, ...other].map((said) => said.replace(/^the /, "")).join(" and ");
}

function contactLine(contact) {
  return [
    h("a", { class: "govuk-link", href: `/records/${contact.record_id}` }, formatDateTime(contact.started_at)),
    ` ${contact.line.name}. `,
    contact.children.length ? `${contact.children.join(", ")}. ` : "No child named. ",
    contact.outcome ? `Outcome: ${word("record_outcome", contact.outcome)}. ` : `${word("record_status", contact.status)}. `,
    h("span", { class: "govuk-body-s" }, `Same ${matchedOn(contact.matched_on)}.`),
  ];
}

function contactList(id, items, empty) {
  return items.length
    ? h("ul", { class: "govuk-list govuk-list--spaced", id }, items.map((c) => h("li", {}, contactLine(c))))
    : h("p", { class: "govuk-body", id }, empty);
}

function likelyItem(contact) {
  const when = formatDateTime(contact.started_at);
  const answer = (sameChild) => h("button", {
    type: "button", class: `govuk-button govuk-button--secondary govuk-!-margin-bottom-0`,
    onclick: () => answerMatch(contact.record_id, sameChild),
  }, sameChild ? "This is the same child" : "Not the same child", h("span", { class: "govuk-visually-hidden" }, ` (contact of ${when})`));
  return h("li", { dataset: { likely: contact.record_id } }, contactLine(contact),
    editable ? h("div", { class: "govuk-button-group govuk-!-margin-top-2" }, answer(true), answer(false)) : null);
}

// What the panel says about this child: never "no contact" unless the match was made.
function childFinding(found) {
  if (found.re_referral) {
    return h("p", { class: "govuk-body", id: "re-referral-flag" }, govukTag("Re-referral", "red"),
      " This child was the subject of a contact in the 12 months before this one.");
  }
  if (!found.match_made) {
    return h("div", { class: "govuk-warning-text", id: "re-referral-flag" },
      h("span", { class: "govuk-warning-text__icon", "aria-hidden": "true" }, "!"),
      h("strong", { class: "govuk-warning-text__text" }, h("span", { class: "govuk-visually-hidden" }, "Warning"),
        " Earlier contacts about this child cannot be ruled out yet. ", found.match_needs));
  }
  if (found.likely.length) {
    return h("p", { class: "govuk-body", id: "re-referral-flag" },
      "Earlier contacts may be about this child: say whether each likely match below is the same child.");
  }
  return h("p", { class: "govuk-body", id: "re-referral-flag" }, "No contact about this child in the 12 months before this one.");
}

function renderEarlierContacts(found) {
  const panel = document.getElementById("earlier-contacts");
  panel.replaceChildren(...[panel.querySelector("h2"), childFinding(found),
    found.likely.length ? [
      h("h3", { class: "govuk-heading-s" }, "Likely earlier contacts"),
      h("ul", { class: "govuk-list govuk-list--spaced", id: "likely-contacts" }, found.likely.map(likelyItem)),
    ] : [],
    h("h3", { class: "govuk-heading-s" }, "About the same child"), contactList("child-contacts", found.about_the_child, "None found."),
    h("h3", { class: "govuk-heading-s" }, "From the same number"), contactList("caller-contacts", found.from_the_caller, "None found."),
    h("p", { class: "govuk-body-s", id: "match-status", role: "status" })].flat());
}

async function loadEarlierContacts() {
  const panel = document.getElementById("earlier-contacts");
  try {
    renderEarlierContacts(await api.get(`/api/records/${recordId}/previous-contacts`));
  } catch (error) {
    panel.replaceChildren(panel.querySelector("h2"), h("p", { class: "govuk-body" }, error.message));
  }
}

async function answerMatch(otherRecordId, sameChild) {
  try {
    const found = await api.post(`/api/records/${recordId}/child-matches`, { other_record_id: otherRecordId, same_child: sameChild });
    record.flags.re_referral = found.re_referral;
    renderTags();
    renderEarlierContacts(found);
    announce(document.getElementById("match-status"), sameChild
      ? "Confirmed as the same child: it counts as an earlier contact about this child."
      : "Dismissed: not the same child.");
  } catch (error) {
    announce(document.getElementById("match-status"), error.message);
  }
}

// ---- addenda ----------------------------------------------------------------------------

async function addAddendum(event) {
  event.preventDefault();
  const addendumForm = document.getElementById("addendum-form");
  const textarea = document.getElementById("addendum-text");
  clearErrors(addendumForm);
  const text = textarea.value.trim();
  if (!text) {
    showErrors([{ loc: ["addendum-text"], msg: "Write the addendum" }], { form: addendumForm, fieldIdFor: (loc) => loc[0] });
    return;
  }
  try {
    const added = await api.post(`/api/records/${recordId}/addenda`, { text });
    record.addenda.push(added);
    textarea.value = "";
    renderAddenda();
    announce(document.getElementById("addendum-status"), "Addendum added.");
  } catch (error) {
    showErrors(error instanceof ApiError && error.status === 422 ? error : [{ loc: [], msg: error.message }],
      { form: addendumForm, fieldIdFor: (loc) => (loc[loc.length - 1] === "text" ? "addendum-text" : "") });
  }
}

// ---- start ------------------------------------------------------------------------------

async function start() {
  try {
    [user, record] = await Promise.all([me(), api.get(`/api/records/${recordId}`)]);
  } catch (error) {
    if (error instanceof ApiError && error.status !== 401) {
      document.querySelector("main").replaceChildren(
        h("h1", { class: "govuk-heading-xl" }, error.status === 404 ? "Record not found" : "You cannot see this record"),
        h("p", { class: "govuk-body" }, error.message),
        h("p", { class: "govuk-body" }, h("a", { class: "govuk-link", href: "/records" }, "Search records")));
    }
    return;
  }
  render();
  loadEarlierContacts();
  form.addEventListener("input", (event) => {
    if (event.target.closest("[data-section]")) changed(sectionOf(event.target));
  });
  form.addEventListener("change", (event) => {
    if (event.target.closest("[data-section]")) changed(sectionOf(event.target));
  });
  form.addEventListener("submit", complete);
  document.getElementById("addendum-form").addEventListener("submit", addAddendum);
  document.getElementById("print-button").addEventListener("click", () => window.print());
  if (hasRole(user, "manager")) {
    loadWorkers();
    document.getElementById("assign-form").addEventListener("submit", assign);
  }
  window.addEventListener("beforeunload", (event) => {
    if (dirty.size || saving) {
      save({ quiet: true });
      event.preventDefault();
    }
  });
}

start();
