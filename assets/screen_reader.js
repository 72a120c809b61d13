// What Streamlit's own controls tell a screen reader, in Persian (see ui/screen_reader.py).
// Streamlit writes these names in English and offers no setting for them: the skip link,
// the menu's landmark, the data grid's toolbar, the chart menus, heading anchors. A
// MutationObserver renames each as it appears; a heading's anchor link is taken out of
// the accessibility tree and the tab order (the heading itself is read).

const NAMES = {
  "Skip to main content": "رفتن به محتوای اصلی",
  "App pages": "صفحه‌های سامانه",
  "Main menu": "منوی اصلی",
  "Show/hide columns": "نمایش یا پنهان کردن ستون‌ها",
  "Download as CSV": "دریافت CSV",
  "Download as PNG": "دریافت تصویر PNG",
  "Download as SVG": "دریافت تصویر SVG",
  "Search": "جست‌وجو",
  "Fullscreen": "تمام‌صفحه",
  "View fullscreen": "نمایش تمام‌صفحه",
  "Close fullscreen": "بستن تمام‌صفحه",
  "Exit fullscreen": "بستن تمام‌صفحه",
  "Clear all": "پاک کردن همه",
  "Clear": "پاک کردن",
  "Close": "بستن",
  "Open": "باز کردن",
  "Copy to clipboard": "رونوشت",
  "Add row": "افزودن ردیف",
  "Delete row": "حذف ردیف",
  "Delete rows": "حذف ردیف‌ها",
  "More options": "گزینه‌های بیشتر",
  "Chart menu": "منوی نمودار",
  "Toggle password visibility": "نمایش یا پنهان کردن گذرواژه",
  "Show password text": "نمایش گذرواژه",
  "Hide password text": "پنهان کردن گذرواژه",
  "Increment": "افزایش",
  "Decrement": "کاهش",
  "Select all": "انتخاب همه",
  "Sort ascending": "مرتب‌سازی صعودی",
  "Sort descending": "مرتب‌سازی نزولی",
  "Hide column": "پنهان کردن ستون",
  "Autosize": "اندازهٔ خودکار",
  "Pin column": "ثابت کردن ستون",
  "Unpin column": "آزاد کردن ستون",
  "Format": "قالب",
  "Dismiss": "بستن",
  "Running...": "در حال اجرا…",
  "Stop": "توقف",
};
// Names Streamlit builds around a label of ours: «Help for <label>», «Remove <option>».
const PREFIXES = [
  ["Help for ", "راهنمای "],
  ["Remove ", "برداشتن "],
  ["Delete ", "حذف "],
  ["Select ", "انتخاب "],
];
const ATTRIBUTES = ["aria-label", "title", "alt", "placeholder"];

function persian(value) {
  const text = value.trim();
  if (NAMES[text]) return NAMES[text];
  for (const [english, fa] of PREFIXES) {
    if (text.startsWith(english) && text.length > english.length) {
      return fa + text.slice(english.length);
    }
  }
  return null;
}
const ANCHOR = "Link to heading";

function rename(el) {
  for (const attr of ATTRIBUTES) {
    const value = el.getAttribute && el.getAttribute(attr);
    const renamed = value && persian(value);
    if (renamed && renamed !== value) el.setAttribute(attr, renamed);
  }
  const label = el.getAttribute && el.getAttribute("aria-label");
  if (label === ANCHOR || (el.matches && el.matches("[data-testid='stHeaderActionElements'] a"))) {
    el.setAttribute("aria-hidden", "true");
    el.setAttribute("tabindex", "-1");
    el.removeAttribute("aria-label");
  }
  // The skip link names itself by its text.
  if (el.tagName === "A" && el.childElementCount === 0 && NAMES[el.textContent.trim()]) {
    el.textContent = NAMES[el.textContent.trim()];
  }
  if (el.tagName === "NAV" && !el.getAttribute("aria-label")) {
    el.setAttribute("aria-label", NAMES["App pages"]);
  }
}

function sweep(root) {
  if (!root || !root.querySelectorAll) return;
  rename(root);
  root.querySelectorAll("[aria-label], [title], [alt], [placeholder], a, nav").forEach(rename);
}

export default function () {
  const doc = window.top === window ? document : document;
  if (doc.__persianNames) return;
  doc.__persianNames = true;
  sweep(doc.body);
  new MutationObserver((changes) => {
    for (const change of changes) {
      if (change.type === "attributes") rename(change.target);
      else change.addedNodes.forEach((node) => sweep(node));
    }
  }).observe(doc.body, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ATTRIBUTES,
  });
}
