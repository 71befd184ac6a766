// OrderDesk sandbox web chat: a Telegram-like client for the local fake Bot API.
// Plain ES module, no dependencies. Message text is only ever inserted with
// textContent / text nodes, never as HTML.

const DEMO_LOCATION = { latitude: 31.2304, longitude: 121.4737 };
const MAX_TEXT = 4096;
const LIVE_MISSING = 4404; // the server closes a chat's socket so when the chat does not exist
const TOAST_MS = 3000;
const AVATAR_COLORS = ["#e17076", "#eda86c", "#a695e7", "#7bc862", "#6ec9cb", "#65aadd", "#ee7aae"];
const LANGUAGES = { en: "EN", "zh-hans": "中文", zh: "中文", ru: "RU" };
const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:", "tel:", "tg:"]);

const $ = (id) => document.getElementById(id);

const ui = {
  app: $("app"),
  personaList: $("persona-list"),
  personaEmpty: $("persona-empty"),
  personaSelect: $("persona-select"),
  newForm: $("new-customer-form"),
  newLang: $("new-customer-language"),
  newButton: document.querySelector('[data-testid="new-customer"]'),
  flood: $("flood-note"),
  botAvatar: $("bot-avatar"),
  botName: $("bot-name"),
  botUsername: $("bot-username"),
  personaName: $("persona-name"),
  conn: $("conn"),
  messages: $("messages"),
  emptyChat: $("empty-chat"),
  toBottom: $("to-bottom"),
  toasts: $("toasts"),
  commandMenu: $("command-menu"),
  commands: $("commands"),
  composer: $("composer"),
  counter: $("counter"),
  kbToggle: $("kb-toggle"),
  sticker: $("sticker"),
  attach: $("attach"),
  attachFile: $("attach-file"),
  send: $("send"),
  replyKeyboard: $("reply-keyboard"),
  alert: $("alert"),
  alertTitle: $("alert-title"),
  alertText: $("alert-text"),
};

const state = {
  bot: null,
  users: [],
  usersKey: "",
  flood: false,
  uid: null, // persona shown in this tab (from the URL hash)
  gen: 0, // bumps on every persona switch; stale loops and callbacks check it
  live: null, // { uid, ws, nextId, pending } of the chat's WebSocket while it is open
  loaded: false, // first chat answer for the current persona arrived
  missing: false, // the server does not know this persona
  cache: new Map(), // message_id -> { key, el, msg }
  lastMessageId: null,
  stickToBottom: true,
  pinned: true, // the reader is at the bottom of the chat (updated on scroll)
  seenAnswers: new Set(),
  seenCheckouts: new Set(),
  commands: [],
  keyboardKey: "null",
  keyboardHidden: false,
  drafts: new Map(),
  sending: false,
  alertQueue: [],
};

// ---------------------------------------------------------------- HTTP

class ApiFailure extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

async function request(method, path, body, signal) {
  const init = { method, headers: { Accept: "application/json" }, signal, cache: "no-store" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok || !data || data.ok === false) {
    const reason = (data && (data.error || data.description)) || `HTTP ${response.status}`;
    throw new ApiFailure(reason, response.status);
  }
  return data;
}

const getJSON = (path, signal) => request("GET", path, undefined, signal);
const postJSON = (path, body) => request("POST", path, body ?? {});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The user `uid` does something in their chat (text, press, pay, contact, ...): over the chat's
 * WebSocket while it is open, else as a POST. A tab holds no request open, so a browser's six
 * connections to the host are never all taken by tabs waiting for news.
 */
function act(uid, action, body) {
  const live = state.live;
  if (!live || live.uid !== uid || live.ws.readyState !== WebSocket.OPEN) {
    return postJSON(`/control/users/${uid}/${action}`, body);
  }
  return new Promise((resolve, reject) => {
    live.nextId += 1;
    live.pending.set(live.nextId, { resolve, reject });
    live.ws.send(JSON.stringify({ id: live.nextId, action, body: body ?? {} }));
  });
}

// ---------------------------------------------------------------- small helpers

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function fullName(person) {
  if (!person) return "";
  return [person.first_name, person.last_name].filter(Boolean).join(" ");
}

function initials(person) {
  const first = Array.from((person && person.first_name) || "?")[0] || "?";
  const last = Array.from((person && person.last_name) || "")[0] || "";
  return (first + last).toUpperCase();
}

function avatar(person, extraClass = "") {
  const node = el("span", `avatar ${extraClass}`.trim(), initials(person));
  const id = Math.abs(Number(person && person.id) || 0);
  node.style.setProperty("--avatar", AVATAR_COLORS[id % AVATAR_COLORS.length]);
  node.setAttribute("aria-hidden", "true");
  return node;
}

function languageBadge(code) {
  if (!code) return "";
  return LANGUAGES[code.toLowerCase()] || code.toUpperCase();
}

function hhmm(unix) {
  const d = new Date(unix * 1000);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

function dayKey(unix) {
  const d = new Date(unix * 1000);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

function dayLabel(unix) {
  const d = new Date(unix * 1000);
  const today = new Date();
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (dayKey(unix) === dayKey(today.getTime() / 1000)) return "Today";
  if (dayKey(unix) === dayKey(yesterday.getTime() / 1000)) return "Yesterday";
  const options = { day: "numeric", month: "long" };
  if (d.getFullYear() !== today.getFullYear()) options.year = "numeric";
  return d.toLocaleDateString(undefined, options);
}

function humanSize(bytes) {
  if (typeof bytes !== "number" || !isFinite(bytes)) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Return an absolute URL if it is safe to link to (http, https, mailto, tel, tg), else null. */
function safeUrl(raw, { bare = false } = {}) {
  if (typeof raw !== "string" || !raw) return null;
  let value = raw.trim();
  if (bare && !/^[a-z][a-z0-9+.-]*:/i.test(value)) value = `http://${value}`;
  try {
    const url = new URL(value);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- entities → DOM

const ENTITY_ORDER = (a, b) => a.offset - b.offset || b.length - a.length;

/** Build a DOM fragment from Telegram text + entities (offsets in UTF-16 code units). */
function renderFormatted(text, entities) {
  const fragment = document.createDocumentFragment();
  const given = (Array.isArray(entities) ? entities : [])
    .filter((e) => e && Number.isInteger(e.offset) && Number.isInteger(e.length) && e.length > 0)
    .map((e) => ({ ...e }));
  const list = [...given, ...detectEntities(text, given)].sort(ENTITY_ORDER);
  buildRange(fragment, text, 0, text.length, list);
  return fragment;
}

// Telegram's servers mark /commands and links in every message; the sandbox may not, so the
// page finds them itself where no link-like or code entity already covers the text.
const AUTO_PATTERNS = [
  { type: "url", re: /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]}]/g },
  { type: "bot_command", re: /(?<![\w/@.])\/[a-zA-Z][a-zA-Z0-9_]{0,31}(?:@[a-zA-Z][\w]{3,31}bot)?(?![\w/])/gi },
];
const OPAQUE = new Set(["code", "pre", "text_link", "url", "email", "bot_command", "mention", "text_mention", "phone_number"]);

function detectEntities(text, given) {
  const blocked = given.filter((e) => OPAQUE.has(e.type));
  const found = [];
  for (const { type, re } of AUTO_PATTERNS) {
    re.lastIndex = 0;
    for (const match of text.matchAll(re)) {
      const start = match.index;
      const end = start + match[0].length;
      const overlaps = [...blocked, ...found].some((e) => start < e.offset + e.length && e.offset < end);
      if (!overlaps) found.push({ type, offset: start, length: end - start });
    }
  }
  return found;
}

function buildRange(parent, text, start, end, entities) {
  let pos = start;
  let pending = entities;
  while (pending.length) {
    const [entity, ...others] = pending;
    const eStart = Math.max(entity.offset, pos);
    const eEnd = Math.min(entity.offset + entity.length, end);
    if (eEnd <= eStart) {
      pending = others;
      continue;
    }
    appendText(parent, text.slice(pos, eStart));
    const inside = [];
    const after = [];
    for (const other of others) {
      if (other.offset >= eEnd) {
        after.push(other);
      } else if (other.offset + other.length > eEnd) {
        // Crosses the end of this entity: split it so the DOM stays a tree.
        inside.push({ ...other, length: eEnd - other.offset });
        after.push({ ...other, offset: eEnd, length: other.offset + other.length - eEnd });
      } else {
        inside.push(other);
      }
    }
    const { outer, inner } = entityElement(entity, text.slice(eStart, eEnd));
    buildRange(inner, text, eStart, eEnd, inside);
    parent.appendChild(outer);
    pos = eEnd;
    pending = after.sort(ENTITY_ORDER);
  }
  appendText(parent, text.slice(pos, end));
}

function appendText(parent, chunk) {
  if (chunk) parent.appendChild(document.createTextNode(chunk));
}

function link(href, className) {
  const a = el("a", className);
  a.href = href;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  return a;
}

function entityElement(entity, content) {
  let node;
  switch (entity.type) {
    case "bold":
      node = el("strong");
      break;
    case "italic":
      node = el("em");
      break;
    case "underline":
      node = el("u");
      break;
    case "strikethrough":
      node = el("s");
      break;
    case "code":
      node = el("code", "inline-code");
      break;
    case "pre": {
      const pre = el("pre", "pre");
      const code = el("code");
      if (entity.language) {
        pre.dataset.language = entity.language;
        code.className = `language-${String(entity.language).replace(/[^\w-]/g, "")}`;
      }
      pre.appendChild(code);
      return { outer: pre, inner: code };
    }
    case "text_link": {
      const href = safeUrl(entity.url);
      node = href ? link(href, "link") : el("span", "link-unsafe");
      if (!href && entity.url) node.title = String(entity.url);
      break;
    }
    case "url": {
      const href = safeUrl(content, { bare: true });
      node = href ? link(href, "link") : el("span");
      break;
    }
    case "email":
      node = link(`mailto:${content}`, "link");
      node.removeAttribute("target");
      break;
    case "phone_number":
      node = link(`tel:${content.replace(/[^\d+]/g, "")}`, "link");
      node.removeAttribute("target");
      break;
    case "spoiler":
      node = el("span", "spoiler");
      node.tabIndex = 0;
      node.setAttribute("role", "button");
      node.setAttribute("aria-label", "Spoiler, press to reveal");
      node.addEventListener("click", revealSpoiler);
      node.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") revealSpoiler.call(node, event);
      });
      break;
    case "blockquote":
      node = el("blockquote", "quote");
      break;
    case "expandable_blockquote":
      node = el("blockquote", "quote expandable collapsed");
      node.title = "Show more";
      node.addEventListener("click", () => node.classList.toggle("collapsed"));
      break;
    case "bot_command":
      node = el("a", "link command-link");
      node.href = "#";
      node.addEventListener("click", (event) => {
        event.preventDefault();
        sendText(content.replace(/@\S+$/, ""));
      });
      break;
    case "mention":
    case "text_mention":
    case "hashtag":
    case "cashtag":
      node = el("span", "link-like");
      break;
    default: // custom_emoji, unknown types: plain text
      node = el("span");
  }
  node.dataset.entity = entity.type;
  return { outer: node, inner: node };
}

function revealSpoiler(event) {
  if (!this.classList.contains("revealed")) {
    event.preventDefault();
    event.stopPropagation();
    this.classList.add("revealed");
    this.removeAttribute("role");
    this.removeAttribute("aria-label");
    this.tabIndex = -1;
  }
}

// ---------------------------------------------------------------- message bubbles

function senderName(msg) {
  if (msg.outgoing) return (state.bot && state.bot.first_name) || "Bot";
  return fullName(msg.from) || fullName(currentUser()) || "You";
}

function shortPreview(msg) {
  if (!msg) return "";
  if (msg.text) return msg.text;
  if (msg.caption) return msg.caption;
  if (msg.photo) return "Photo";
  if (msg.document) return (msg.document && msg.document.file_name) || "File";
  if (msg.sticker) return `${msg.sticker.emoji || ""} Sticker`.trim();
  if (msg.contact) return "Contact";
  if (msg.location) return "Location";
  if (msg.invoice) return msg.invoice.title || "Invoice";
  if (msg.successful_payment) return "Payment";
  return "Message";
}

function renderMessage(msg) {
  const outgoing = msg.outgoing === true;
  const row = el("div", `msg-row ${outgoing ? "in" : "out"}`);
  row.dataset.testid = "message";
  row.dataset.messageId = String(msg.message_id);
  row.dataset.outgoing = outgoing ? "true" : "false";
  row.id = `msg-${msg.message_id}`;

  const column = el("div", "msg-col");
  row.appendChild(column);
  const bubble = el("div", "bubble");
  column.appendChild(bubble);

  const text = typeof msg.text === "string" ? msg.text : typeof msg.caption === "string" ? msg.caption : "";
  const entities = typeof msg.text === "string" ? msg.entities : msg.caption_entities;
  let hasMediaTop = false;

  if (msg.reply_to_message) {
    bubble.appendChild(renderReplyQuote(msg.reply_to_message));
  }

  if (Array.isArray(msg.photo) && msg.photo.length) {
    bubble.appendChild(renderPhoto(msg));
    bubble.classList.add("has-photo");
    hasMediaTop = true;
  } else if (msg.document) {
    bubble.appendChild(renderDocument(msg));
  } else if (msg.sticker) {
    bubble.classList.add("is-sticker");
    const sticker = el("div", "sticker", msg.sticker.emoji || "🖼");
    sticker.dataset.testid = "sticker-message";
    sticker.setAttribute("role", "img");
    sticker.setAttribute("aria-label", `Sticker ${msg.sticker.emoji || ""}`.trim());
    bubble.appendChild(sticker);
  } else if (msg.contact) {
    bubble.appendChild(renderContact(msg.contact));
  } else if (msg.venue || msg.location) {
    bubble.appendChild(renderLocation(msg.venue ? msg.venue.location : msg.location, msg.venue));
  } else if (msg.invoice) {
    bubble.appendChild(renderInvoice(msg));
  } else if (msg.successful_payment) {
    bubble.appendChild(renderPayment(msg.successful_payment));
  } else if (!text) {
    const kind = ["animation", "video", "audio", "voice", "video_note", "poll", "dice", "game", "invoice"].find(
      (key) => key in msg,
    );
    bubble.appendChild(el("div", "unsupported", kind ? `Unsupported message: ${kind}` : "Unsupported message"));
  }

  const meta = el("span", "meta");
  if (msg.edit_date) meta.appendChild(el("span", "edited", "edited"));
  const time = el("time", "time", hhmm(msg.date));
  time.dateTime = new Date(msg.date * 1000).toISOString();
  time.title = new Date(msg.date * 1000).toLocaleString();
  meta.appendChild(time);
  if (!outgoing) {
    const checks = el("span", "checks");
    checks.setAttribute("aria-hidden", "true");
    meta.appendChild(checks);
  }

  if (text) {
    const body = el("div", "text");
    body.dataset.testid = "message-text";
    body.appendChild(renderFormatted(text, entities));
    // Invisible spacer so the absolutely positioned time never covers the last line.
    const spacer = el("span", "meta-spacer");
    spacer.setAttribute("aria-hidden", "true");
    body.appendChild(spacer);
    bubble.appendChild(body);
  } else if (hasMediaTop || msg.sticker) {
    meta.classList.add("overlay");
  }
  if (msg.edit_date) bubble.classList.add("edited");
  bubble.appendChild(meta);

  const markup = msg.reply_markup;
  if (markup && Array.isArray(markup.inline_keyboard) && markup.inline_keyboard.length) {
    column.appendChild(renderInlineKeyboard(msg.message_id, markup.inline_keyboard, msg.invoice_paid));
  }
  return row;
}

/** An amount in a currency's minor units (Telegram's total_amount), formatted. */
function formatAmount(minor, currency) {
  try {
    const options = { style: "currency", currency };
    const digits = new Intl.NumberFormat("en", options).resolvedOptions().maximumFractionDigits;
    return new Intl.NumberFormat(undefined, options).format(Number(minor) / 10 ** digits);
  } catch {
    return `${minor} ${currency}`;
  }
}

function renderInvoice(msg) {
  const invoice = msg.invoice || {};
  const card = el("div", "invoice");
  card.dataset.testid = "invoice";
  card.appendChild(el("div", "invoice-title", invoice.title || "Invoice"));
  if (invoice.description) card.appendChild(el("div", "invoice-text", invoice.description));
  const total = el("div", "invoice-total", formatAmount(invoice.total_amount, invoice.currency));
  if (msg.invoice_paid) total.appendChild(el("span", "invoice-paid", "Paid"));
  card.appendChild(total);
  return card;
}

function renderPayment(payment) {
  const note = el("div", "payment-note", `💳 You paid ${formatAmount(payment.total_amount, payment.currency)}`);
  note.dataset.testid = "successful-payment";
  return note;
}

function renderReplyQuote(reply) {
  const quote = el("button", "reply-quote");
  quote.type = "button";
  quote.dataset.testid = "reply-quote";
  quote.appendChild(el("span", "reply-name", senderName(reply)));
  quote.appendChild(el("span", "reply-text", shortPreview(reply)));
  quote.addEventListener("click", () => {
    const target = document.getElementById(`msg-${reply.message_id}`);
    if (target) {
      target.scrollIntoView({ block: "center", behavior: "smooth" });
      target.classList.remove("flash");
      void target.offsetWidth;
      target.classList.add("flash");
    }
  });
  return quote;
}

function renderPhoto(msg) {
  const sizes = msg.photo;
  const largest = sizes[sizes.length - 1] || {};
  const src = msg.photo_url || null;
  const width = Number(largest.width) || 800;
  const height = Number(largest.height) || 600;
  const box = el(src ? "a" : "div", "photo");
  box.style.setProperty("--ratio", `${width} / ${height}`);
  box.style.setProperty("--photo-w", `${Math.min(width, 400)}px`);
  if (src) {
    const href = safeUrl(new URL(src, location.href).href);
    if (href) {
      box.href = href;
      box.target = "_blank";
      box.rel = "noopener noreferrer";
    }
    const img = el("img");
    img.alt = msg.caption ? msg.caption.slice(0, 120) : "Photo";
    img.loading = "lazy";
    img.decoding = "async";
    img.width = width;
    img.height = height;
    img.dataset.testid = "photo";
    img.addEventListener("load", onMediaLoad);
    img.addEventListener("error", () => box.classList.add("broken"));
    img.src = src;
    box.appendChild(img);
  } else {
    box.classList.add("broken");
    box.appendChild(el("span", "photo-missing", "Photo"));
  }
  return box;
}

function renderDocument(msg) {
  const doc = msg.document || {};
  const name = doc.file_name || "File";
  const href = msg.document_url ? safeUrl(new URL(msg.document_url, location.href).href) : null;
  const card = el(href ? "a" : "div", "doc");
  card.dataset.testid = "document";
  if (href) {
    card.href = href;
    card.setAttribute("download", name);
    card.target = "_blank";
    card.rel = "noopener noreferrer";
  }
  const ext = (name.includes(".") ? name.split(".").pop() : "").slice(0, 4).toUpperCase();
  const icon = el("span", "doc-icon", ext || "FILE");
  icon.setAttribute("aria-hidden", "true");
  card.appendChild(icon);
  const info = el("span", "doc-info");
  info.appendChild(el("span", "doc-name", name));
  const details = [humanSize(doc.file_size), href ? "Download" : ""].filter(Boolean).join(" · ");
  info.appendChild(el("span", "doc-size", details));
  card.appendChild(info);
  return card;
}

function renderContact(contact) {
  const card = el("div", "card contact");
  card.dataset.testid = "contact";
  card.appendChild(avatar({ id: contact.user_id || 0, first_name: contact.first_name, last_name: contact.last_name }));
  const info = el("span", "card-info");
  info.appendChild(el("span", "card-title", fullName(contact) || "Contact"));
  info.appendChild(el("span", "card-sub", contact.phone_number || ""));
  card.appendChild(info);
  return card;
}

function renderLocation(location, venue) {
  const card = el("div", "card location");
  card.dataset.testid = "location";
  const pin = el("span", "pin");
  pin.setAttribute("aria-hidden", "true");
  card.appendChild(pin);
  const info = el("span", "card-info");
  const lat = Number(location && location.latitude);
  const lon = Number(location && location.longitude);
  info.appendChild(el("span", "card-title", (venue && venue.title) || "Location"));
  const coords = isFinite(lat) && isFinite(lon) ? `${lat.toFixed(4)}, ${lon.toFixed(4)}` : "";
  info.appendChild(el("span", "card-sub", (venue && venue.address) || coords));
  card.appendChild(info);
  return card;
}

function renderInlineKeyboard(messageId, rows, paid = false) {
  const keyboard = el("div", "inline-kb");
  keyboard.setAttribute("role", "group");
  keyboard.setAttribute("aria-label", "Message buttons");
  for (const row of rows) {
    if (!Array.isArray(row) || !row.length) continue;
    const line = el("div", "kb-row");
    for (const button of row) {
      const node = el("button", "ikb", button && button.text);
      node.type = "button";
      node.title = (button && button.text) || "";
      node.dataset.testid = "inline-button";
      if (button && typeof button.callback_data === "string") {
        node.dataset.callbackData = button.callback_data;
        node.addEventListener("click", () => pressInline(node, messageId, button.callback_data));
      } else if (button && button.pay) {
        node.classList.add("is-pay");
        node.dataset.testid = "pay-button";
        if (paid) {
          node.textContent = "Paid ✓";
          node.disabled = true;
        } else {
          node.addEventListener("click", () => payInvoice(node, messageId));
        }
      } else if (button && button.copy_text && typeof button.copy_text.text === "string") {
        node.classList.add("is-copy");
        node.dataset.copyText = button.copy_text.text;
        node.addEventListener("click", () => copyText(button.copy_text.text));
      } else if (button && button.url) {
        const href = safeUrl(button.url);
        node.classList.add("is-url");
        node.dataset.url = button.url;
        node.title = `${button.text}\n${button.url}`;
        node.addEventListener("click", () => {
          if (href) window.open(href, "_blank", "noopener,noreferrer");
          else showToast(`Can't open this link: ${button.url}`, "error");
        });
      } else {
        node.classList.add("is-unsupported");
        node.addEventListener("click", () =>
          showToast("This kind of button isn't supported in the sandbox", "error"),
        );
      }
      line.appendChild(node);
    }
    keyboard.appendChild(line);
  }
  return keyboard;
}

// ---------------------------------------------------------------- chat list reconciliation

function isAtBottom() {
  const box = ui.messages;
  return box.scrollHeight - box.scrollTop - box.clientHeight < 40;
}

function scrollToBottom() {
  ui.messages.scrollTop = ui.messages.scrollHeight;
  state.pinned = true;
  ui.toBottom.hidden = true;
  ui.toBottom.classList.remove("unread");
}

function onMediaLoad() {
  if (state.pinned) scrollToBottom();
}

function applyMessages(messages) {
  const box = ui.messages;
  const atBottom = !state.loaded || state.stickToBottom || state.pinned;
  const scrollTop = box.scrollTop;
  const nodes = [];
  const seen = new Set();
  let previousDay = null;
  let previous = null;
  for (const msg of messages) {
    if (!msg || msg.message_id === undefined) continue;
    const key = JSON.stringify(msg);
    let entry = state.cache.get(msg.message_id);
    if (!entry || entry.key !== key) {
      entry = { key, el: renderMessage(msg), msg };
      state.cache.set(msg.message_id, entry);
    }
    seen.add(msg.message_id);
    const day = dayKey(msg.date);
    if (day !== previousDay) {
      const separator = el("div", "date-sep");
      separator.appendChild(el("span", null, dayLabel(msg.date)));
      nodes.push(separator);
      previousDay = day;
      previous = null;
    }
    const continues = previous && previous.msg.outgoing === msg.outgoing;
    entry.el.classList.toggle("group-first", !continues);
    entry.el.classList.add("group-last");
    if (continues) previous.el.classList.remove("group-last");
    nodes.push(entry.el);
    previous = entry;
  }
  for (const id of [...state.cache.keys()]) if (!seen.has(id)) state.cache.delete(id);

  const newLast = messages.length ? messages[messages.length - 1].message_id : null;
  const grew = newLast !== state.lastMessageId;
  state.lastMessageId = newLast;

  box.replaceChildren(...nodes);
  updateEmptyState(messages.length === 0);
  if (atBottom) {
    scrollToBottom();
  } else {
    box.scrollTop = scrollTop;
    if (grew) {
      ui.toBottom.hidden = false;
      ui.toBottom.classList.add("unread");
    }
  }
  state.stickToBottom = false;
}

function updateEmptyState(empty) {
  const show = state.uid === null || state.missing || (state.loaded && empty);
  ui.emptyChat.hidden = !show;
  ui.emptyChat.replaceChildren();
  if (!show) return;
  const card = el("div", "empty-card");
  if (state.uid === null) {
    card.appendChild(el("h2", null, "Who are you today?"));
    card.appendChild(
      el("p", null, "Pick a person on the left, or create a new customer, to start chatting with the bot."),
    );
  } else if (state.missing) {
    card.appendChild(el("h2", null, "Unknown person"));
    card.appendChild(el("p", null, `The sandbox has no user with id ${state.uid}. Pick someone else or create a new customer.`));
  } else {
    card.appendChild(avatar(state.bot || { id: 0, first_name: "Bot" }, "avatar-lg avatar-bot"));
    card.appendChild(el("h2", null, (state.bot && state.bot.first_name) || "Bot"));
    card.appendChild(el("p", null, "No messages here yet. Press Start to talk to the bot."));
    const start = el("button", "btn-primary start-btn", "Start");
    start.type = "button";
    start.dataset.testid = "start";
    start.addEventListener("click", () => sendText("/start"));
    card.appendChild(start);
  }
  ui.emptyChat.appendChild(card);
}

// ---------------------------------------------------------------- reply keyboard and commands

function applyReplyKeyboard(markup) {
  const key = JSON.stringify(markup ?? null);
  if (key === state.keyboardKey) return;
  state.keyboardKey = key;
  state.keyboardHidden = false;
  const box = ui.replyKeyboard;
  box.replaceChildren();
  const rows = markup && Array.isArray(markup.keyboard) ? markup.keyboard.filter((r) => Array.isArray(r) && r.length) : [];
  ui.composer.placeholder = (markup && markup.input_field_placeholder) || "Message";
  if (!rows.length) {
    box.hidden = true;
    ui.kbToggle.hidden = true;
    return;
  }
  box.classList.toggle("tall", markup.resize_keyboard !== true);
  for (const row of rows) {
    const line = el("div", "rk-row");
    for (const raw of row) {
      const button = typeof raw === "string" ? { text: raw } : raw || { text: "" };
      const node = el("button", "rk", button.text);
      node.type = "button";
      node.dataset.testid = "reply-button";
      if (button.request_contact) {
        node.classList.add("is-contact");
        node.title = "Shares your phone number with the bot";
      }
      if (button.request_location) {
        node.classList.add("is-location");
        node.title = "Shares a demo location (Shanghai) with the bot";
      }
      node.addEventListener("click", () => pressReply(button, markup));
      line.appendChild(node);
    }
    box.appendChild(line);
  }
  box.hidden = false;
  ui.kbToggle.hidden = false;
  ui.kbToggle.setAttribute("aria-pressed", "true");
}

function setKeyboardHidden(hidden) {
  state.keyboardHidden = hidden;
  ui.replyKeyboard.hidden = hidden || !ui.replyKeyboard.childElementCount;
  ui.kbToggle.setAttribute("aria-pressed", hidden ? "false" : "true");
}

async function pressReply(button, markup) {
  const uid = state.uid;
  if (uid === null) return;
  state.stickToBottom = true;
  try {
    if (button.request_contact) {
      await act(uid, "contact", { own: true });
    } else if (button.request_location) {
      await act(uid, "location", { ...DEMO_LOCATION });
    } else if (button.request_poll || button.request_users || button.request_user || button.request_chat || button.web_app) {
      showToast("This kind of button isn't supported in the sandbox", "error");
      return;
    } else {
      await act(uid, "text", { text: button.text });
    }
    if (markup && markup.one_time_keyboard && uid === state.uid) setKeyboardHidden(true);
  } catch (error) {
    showToast(error.message, "error");
  }
}

function applyCommands(commands) {
  state.commands = Array.isArray(commands) ? commands.filter((c) => c && c.command) : [];
  if (!ui.commandMenu.hidden) renderCommandMenu(currentCommandFilter());
}

function currentCommandFilter() {
  const value = ui.composer.value;
  return /^\/\w*$/.test(value) ? value.slice(1).toLowerCase() : "";
}

function renderCommandMenu(filter = "") {
  const menu = ui.commandMenu;
  menu.replaceChildren();
  const list = state.commands.filter((c) => c.command.toLowerCase().startsWith(filter));
  if (!list.length) {
    menu.appendChild(el("div", "cmd-empty", state.commands.length ? "No matching commands" : "This bot has no commands"));
  }
  for (const command of list) {
    const item = el("button", "cmd-item");
    item.type = "button";
    item.setAttribute("role", "menuitem");
    item.dataset.testid = "command";
    item.dataset.command = command.command;
    item.appendChild(el("span", "cmd-name", `/${command.command}`));
    item.appendChild(el("span", "cmd-desc", command.description || ""));
    item.addEventListener("click", () => {
      closeCommandMenu();
      ui.composer.value = "";
      onComposerInput();
      sendText(`/${command.command}`);
    });
    menu.appendChild(item);
  }
  return list.length;
}

function openCommandMenu(filter = "") {
  renderCommandMenu(filter);
  ui.commandMenu.hidden = false;
  ui.commands.setAttribute("aria-expanded", "true");
}

function closeCommandMenu() {
  ui.commandMenu.hidden = true;
  ui.commands.setAttribute("aria-expanded", "false");
}

// ---------------------------------------------------------------- toasts and alerts

function answerKeys(answers) {
  const counts = new Map();
  return answers.map((answer) => {
    const base = JSON.stringify([answer.at ?? null, answer.text ?? "", !!answer.show_alert]);
    const n = (counts.get(base) || 0) + 1;
    counts.set(base, n);
    return `${base}#${n}`;
  });
}

function applyAnswers(answers, prime) {
  if (!Array.isArray(answers)) return;
  const keys = answerKeys(answers);
  answers.forEach((answer, i) => {
    if (state.seenAnswers.has(keys[i])) return;
    state.seenAnswers.add(keys[i]);
    if (prime || !answer || !answer.text) return;
    if (answer.show_alert) showAlert(answer.text);
    else showToast(answer.text);
  });
}

function showToast(text, kind = "info") {
  const toast = el("div", `toast ${kind === "error" ? "toast-error" : ""}`.trim(), text);
  toast.dataset.testid = kind === "error" ? "error" : "toast";
  toast.setAttribute("role", kind === "error" ? "alert" : "status");
  toast.addEventListener("click", () => toast.remove());
  ui.toasts.appendChild(toast);
  while (ui.toasts.childElementCount > 4) ui.toasts.firstElementChild.remove();
  setTimeout(() => toast.classList.add("leaving"), TOAST_MS);
  setTimeout(() => toast.remove(), TOAST_MS + 400);
}

function showAlert(text) {
  if (ui.alert.open) {
    state.alertQueue.push(text);
    return;
  }
  ui.alertTitle.textContent = (state.bot && state.bot.first_name) || "Bot";
  ui.alertText.textContent = text;
  if (typeof ui.alert.showModal === "function") ui.alert.showModal();
  else ui.alert.setAttribute("open", "");
  ui.alert.querySelector("button").focus();
}

ui.alert.addEventListener("close", () => {
  if (state.alertQueue.length) setTimeout(() => showAlert(state.alertQueue.shift()), 50);
  else ui.composer.focus({ preventScroll: true });
});

// ---------------------------------------------------------------- user actions

async function sendText(text) {
  const uid = state.uid;
  if (uid === null || !text) return false;
  state.stickToBottom = true;
  try {
    await act(uid, "text", { text });
    return true;
  } catch (error) {
    showToast(error.message, "error");
    return false;
  }
}

async function sendComposer() {
  const raw = ui.composer.value;
  const text = raw.trim();
  if (!text || state.sending || state.uid === null) return;
  if (text.length > MAX_TEXT) {
    showToast(`A message can have at most ${MAX_TEXT} characters`, "error");
    return;
  }
  const uid = state.uid;
  state.sending = true;
  closeCommandMenu();
  ui.composer.value = "";
  onComposerInput();
  const ok = await sendText(text);
  state.sending = false;
  if (!ok && uid === state.uid && !ui.composer.value) {
    ui.composer.value = raw; // give the text back so nothing is lost
  }
  if (uid === state.uid) state.drafts.delete(uid);
  onComposerInput();
}

async function pressInline(node, messageId, data) {
  const uid = state.uid;
  if (uid === null || node.classList.contains("loading")) return;
  node.classList.add("loading");
  node.setAttribute("aria-busy", "true");
  try {
    await act(uid, "press", { message_id: messageId, callback_data: data });
  } catch (error) {
    showToast(error.message, "error");
  } finally {
    // Keep the spinner briefly so the bot's edit usually replaces the bubble first.
    setTimeout(() => {
      node.classList.remove("loading");
      node.removeAttribute("aria-busy");
    }, 400);
  }
}

async function payInvoice(node, messageId) {
  const uid = state.uid;
  if (uid === null || node.classList.contains("loading")) return;
  node.classList.add("loading");
  node.setAttribute("aria-busy", "true");
  try {
    await act(uid, "pay", { message_id: messageId });
    showToast("Paying: the bot is asked to confirm…");
  } catch (error) {
    showToast(error.message, "error");
  } finally {
    setTimeout(() => {
      node.classList.remove("loading");
      node.removeAttribute("aria-busy");
    }, 400);
  }
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    showToast(`Copied: ${text}`);
  } catch {
    showToast(`Copy it by hand: ${text}`);
  }
}

/** How payments went: the bot's refusal shown as Telegram's payment form would. */
function applyCheckouts(checkouts, prime) {
  if (!Array.isArray(checkouts)) return;
  for (const checkout of checkouts) {
    if (!checkout || checkout.state === "pending") continue;
    const key = `${checkout.query_id}:${checkout.state}`;
    if (state.seenCheckouts.has(key)) continue;
    state.seenCheckouts.add(key);
    if (prime) continue;
    if (checkout.state === "refused") showAlert(`Payment not made: ${checkout.error_message}`);
    else if (checkout.state === "expired") showToast("The bot did not confirm in 10 s: nothing was charged", "error");
    else if (checkout.state === "paid") showToast("Payment sent");
  }
}

async function sendSticker() {
  const uid = state.uid;
  if (uid === null) return;
  state.stickToBottom = true;
  try {
    await act(uid, "sticker", {});
  } catch (error) {
    showToast(error.message, "error");
  }
}

const MAX_UPLOAD = 20 * 1024 * 1024; // what a bot may download through getFile

function toBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

async function sendDocument() {
  const uid = state.uid;
  const file = ui.attachFile.files && ui.attachFile.files[0];
  ui.attachFile.value = "";
  if (uid === null || !file) return;
  if (file.size === 0 || file.size > MAX_UPLOAD) {
    showToast("Files must be 1 byte to 20 MB", "error");
    return;
  }
  state.stickToBottom = true;
  try {
    const content_base64 = toBase64(await file.arrayBuffer());
    const body = { file_name: file.name, content_base64 };
    if (file.type) body.mime_type = file.type;
    await act(uid, "document", body);
  } catch (error) {
    showToast(error.message, "error");
  }
}

async function createCustomer(event) {
  event.preventDefault();
  const numbers = state.users
    .map((u) => /^Customer (\d+)$/.exec(fullName(u)))
    .filter(Boolean)
    .map((m) => Number(m[1]));
  const next = Math.max(state.users.length, ...numbers, 0) + 1;
  ui.newButton.disabled = true;
  try {
    const data = await postJSON("/control/users", {
      first_name: `Customer ${next}`,
      language_code: ui.newLang.value || "en",
      label: "New customer",
    });
    await refreshState();
    if (data.user && data.user.id !== undefined) location.hash = `#user=${data.user.id}`;
  } catch (error) {
    showToast(error.message, "error");
  } finally {
    ui.newButton.disabled = false;
  }
}

// ---------------------------------------------------------------- personas

function currentUser() {
  return state.users.find((u) => u.id === state.uid) || null;
}

let stateRequest = null;
function refreshState() {
  if (!stateRequest) {
    stateRequest = getJSON("/control/state")
      .then(applyState)
      .catch(() => {})
      .finally(() => {
        stateRequest = null;
      });
  }
  return stateRequest;
}

function applyState(data) {
  state.bot = data.bot || state.bot;
  state.flood = !!data.flood;
  ui.flood.hidden = !state.flood;
  const users = Array.isArray(data.users) ? data.users : [];
  const key = JSON.stringify(users);
  if (key !== state.usersKey) {
    state.users = users;
    state.usersKey = key;
    renderPersonas();
  }
  renderHeader();
  if (state.uid === null && users.length && !uidFromHash()) {
    history.replaceState(null, "", `#user=${users[0].id}`);
    selectPersona(users[0].id);
  }
}

function renderPersonas() {
  const list = ui.personaList;
  const focusedId = document.activeElement && document.activeElement.dataset && document.activeElement.dataset.uid;
  list.replaceChildren();
  ui.personaEmpty.hidden = state.users.length > 0;
  for (const user of state.users) {
    const item = el("li");
    const a = el("a", "persona");
    a.href = `#user=${user.id}`;
    a.dataset.testid = `persona-${user.id}`;
    a.dataset.uid = String(user.id);
    if (user.id === state.uid) {
      a.classList.add("active");
      a.setAttribute("aria-current", "page");
    }
    a.appendChild(avatar(user));
    const main = el("span", "persona-main");
    main.appendChild(el("span", "persona-title", fullName(user) || `User ${user.id}`));
    const meta = el("span", "persona-meta");
    if (user.label) meta.appendChild(el("span", "badge", user.label));
    const lang = languageBadge(user.language_code);
    if (lang) {
      const badge = el("span", "lang", lang);
      badge.title = `Language: ${user.language_code}`;
      meta.appendChild(badge);
    }
    if (user.username) meta.appendChild(el("span", "username", `@${user.username}`));
    main.appendChild(meta);
    a.appendChild(main);
    item.appendChild(a);
    list.appendChild(item);
    if (focusedId === String(user.id)) a.focus({ preventScroll: true });
  }

  const select = ui.personaSelect;
  select.replaceChildren();
  if (state.uid === null || !currentUser()) {
    const placeholder = el("option", null, state.uid === null ? "Choose who to chat as…" : `Unknown user ${state.uid}`);
    placeholder.value = "";
    placeholder.selected = true;
    select.appendChild(placeholder);
  }
  for (const user of state.users) {
    const parts = [fullName(user) || `User ${user.id}`, user.label, languageBadge(user.language_code)].filter(Boolean);
    const option = el("option", null, parts.join(" · "));
    option.value = String(user.id);
    option.selected = user.id === state.uid;
    select.appendChild(option);
  }
}

function renderHeader() {
  const bot = state.bot || { id: 0, first_name: "Bot" };
  ui.botName.textContent = bot.first_name || "Bot";
  ui.botUsername.textContent = bot.username ? `@${bot.username}` : "bot";
  ui.botAvatar.textContent = initials(bot);
  const user = currentUser();
  ui.personaName.textContent = user ? `chatting as ${fullName(user)}` : "";
  document.title = user ? `${fullName(user)} · ${bot.first_name || "Bot"} · Sandbox` : "OrderDesk sandbox";
}

function uidFromHash() {
  const match = /(?:^#|[#&])user=(-?\d+)/.exec(location.hash);
  return match ? Number(match[1]) : null;
}

function selectPersona(uid) {
  if (uid === state.uid && state.live) return;
  if (state.uid !== null && ui.composer.value) state.drafts.set(state.uid, ui.composer.value);
  state.gen += 1;
  if (state.live) state.live.ws.close(1000);
  state.live = null;
  state.uid = uid;
  state.loaded = false;
  state.missing = false;
  state.cache.clear();
  state.lastMessageId = null;
  state.stickToBottom = true;
  state.seenAnswers.clear();
  state.seenCheckouts.clear();
  state.commands = [];
  state.keyboardKey = "";
  ui.messages.replaceChildren();
  ui.toasts.replaceChildren();
  ui.toBottom.hidden = true;
  closeCommandMenu();
  applyReplyKeyboard(null);
  ui.composer.value = (uid !== null && state.drafts.get(uid)) || "";
  onComposerInput();
  setComposerEnabled(uid !== null);
  renderPersonas();
  renderHeader();
  updateEmptyState(true);
  if (uid !== null) openLive(uid, state.gen);
}

// ---------------------------------------------------------------- live updates

function setComposerEnabled(enabled) {
  for (const control of [ui.composer, ui.commands, ui.sticker, ui.attach]) control.disabled = !enabled;
  ui.app.classList.toggle("no-persona", !enabled);
  onComposerInput();
}

function setConnected(connected) {
  ui.conn.hidden = connected;
}

/** What the chat shows, as the server sends it on the socket (at once, then on each change). */
function applyChat(data) {
  const first = !state.loaded;
  setConnected(true);
  if (state.missing) setComposerEnabled(true);
  state.missing = false;
  applyCommands(data.commands);
  applyReplyKeyboard(data.reply_keyboard ?? null);
  state.loaded = true;
  applyMessages(Array.isArray(data.messages) ? data.messages : []);
  applyAnswers(data.answers, first);
  applyCheckouts(data.checkouts, first);
  if (!first) refreshState();
}

function showMissing() {
  state.missing = true;
  state.loaded = true;
  setComposerEnabled(false);
  setConnected(true);
  applyMessages([]);
  refreshState();
}

/** One WebSocket per tab for the chat of `uid`: news in, the user's actions out; reconnects. */
function openLive(uid, gen) {
  let failures = 0;
  const connect = () => {
    if (gen !== state.gen) return;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${location.host}/control/chats/${uid}/live`);
    const live = { uid, ws, nextId: 0, pending: new Map() };
    state.live = live;
    ws.addEventListener("message", (event) => {
      let data = null;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      if (data && data.type === "result") {
        const waiting = live.pending.get(data.id);
        live.pending.delete(data.id);
        if (!waiting) return;
        if (data.ok) waiting.resolve(data);
        else waiting.reject(new ApiFailure(data.error || "refused", 400));
      } else if (data && data.type === "chat" && gen === state.gen) {
        if (failures) refreshState();
        failures = 0;
        applyChat(data);
      }
    });
    ws.addEventListener("close", (event) => {
      for (const waiting of live.pending.values()) {
        waiting.reject(new ApiFailure("The connection to the sandbox was lost", 0));
      }
      live.pending.clear();
      if (state.live === live) state.live = null;
      if (gen !== state.gen) return;
      if (event.code === LIVE_MISSING) {
        showMissing();
        setTimeout(connect, 3000);
        return;
      }
      failures += 1;
      setConnected(false);
      setTimeout(connect, Math.min(10000, 500 * 2 ** (failures - 1)));
    });
  };
  connect();
}

// ---------------------------------------------------------------- composer

function onComposerInput() {
  const box = ui.composer;
  box.style.height = "auto";
  box.style.height = `${Math.min(box.scrollHeight, 180)}px`;
  const length = box.value.length;
  ui.send.disabled = state.uid === null || state.missing || !box.value.trim();
  ui.counter.hidden = length < MAX_TEXT - 200;
  ui.counter.textContent = String(MAX_TEXT - length);
  if (/^\/\w*$/.test(box.value) && state.commands.length) {
    if (renderCommandMenu(currentCommandFilter())) openCommandMenu(currentCommandFilter());
    else closeCommandMenu();
  } else if (box.value) {
    closeCommandMenu();
  }
}

ui.composer.addEventListener("input", onComposerInput);
ui.composer.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
    event.preventDefault();
    sendComposer();
  } else if (event.key === "Escape") {
    closeCommandMenu();
  }
});
ui.send.addEventListener("click", sendComposer);
ui.sticker.addEventListener("click", sendSticker);
ui.attach.addEventListener("click", () => ui.attachFile.click());
ui.attachFile.addEventListener("change", sendDocument);
ui.kbToggle.addEventListener("click", () => setKeyboardHidden(!state.keyboardHidden));
ui.commands.addEventListener("click", (event) => {
  event.stopPropagation();
  if (ui.commandMenu.hidden) openCommandMenu("");
  else closeCommandMenu();
});
document.addEventListener("click", (event) => {
  if (!ui.commandMenu.hidden && !ui.commandMenu.contains(event.target) && event.target !== ui.composer) {
    closeCommandMenu();
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !ui.commandMenu.hidden) {
    closeCommandMenu();
    ui.commands.focus();
  }
});
ui.messages.addEventListener("scroll", () => {
  state.pinned = isAtBottom();
  if (state.pinned) {
    ui.toBottom.hidden = true;
    ui.toBottom.classList.remove("unread");
  } else if (ui.messages.scrollHeight - ui.messages.scrollTop - ui.messages.clientHeight > 300) {
    ui.toBottom.hidden = false;
  }
});
ui.toBottom.addEventListener("click", scrollToBottom);
ui.newForm.addEventListener("submit", createCustomer);
ui.personaSelect.addEventListener("change", () => {
  if (ui.personaSelect.value) location.hash = `#user=${ui.personaSelect.value}`;
});
window.addEventListener("hashchange", () => selectPersona(uidFromHash()));
// Keep the newest message in view while the pane or its content changes size (window resize,
// reply keyboard shown, fonts or images loaded) as long as the reader was at the bottom.
new ResizeObserver(() => {
  if (state.pinned) scrollToBottom();
}).observe(ui.messages);
if (document.fonts) document.fonts.ready.then(() => state.pinned && scrollToBottom());

// ---------------------------------------------------------------- start

async function start() {
  selectPersona(uidFromHash());
  await refreshState();
  // Keep the persona list fresh even while no chat is open (users added from other tabs).
  setInterval(() => {
    if (state.uid === null || state.missing || !ui.conn.hidden) refreshState();
  }, 5000);
}

start();
