// The sandbox page: one chat per simulated person, kept live over a WebSocket.
// Every text from the bot or a person becomes DOM text nodes, never HTML.
"use strict";

const chats = new Map(); // person id -> {person, section, list, keyboard, composer, ...}
let selected = null; // the chat shown on a phone-sized screen

// -- the page's language: labels rendered by the server, chosen with ?lang= ----------------

const LANGUAGE = document.documentElement.lang;
const LABELS = JSON.parse(document.getElementById("labels").textContent);
const REMEMBERED = "sandbox-language";

// A label with its {placeholders} filled in.
function label(key, values = {}) {
  return LABELS[key].replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? String(values[name]) : whole);
}

// The language chosen on the page is kept in the address and in this browser.
function rememberLanguage() {
  const chosen = new URLSearchParams(location.search).get("lang");
  let stored = null;
  try {
    if (chosen) localStorage.setItem(REMEMBERED, chosen);
    else stored = localStorage.getItem(REMEMBERED);
  } catch {
    return false; // storage turned off: the address alone keeps the choice
  }
  if (!stored || stored === LANGUAGE) return false;
  location.replace(`?lang=${encodeURIComponent(stored)}`);
  return true;
}

function withLanguage(path) {
  return `${path}?lang=${encodeURIComponent(LANGUAGE)}`;
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "className") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

// -- talking to the server --------------------------------------------------------------------

function say(text) {
  const status = document.getElementById("status");
  status.textContent = text;
}

async function post(path, body = {}) {
  const response = await fetch(withLanguage(path), {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    say(answer.error || label("not_accepted"));
    return null;
  }
  return answer;
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const socket = new WebSocket(`${scheme}//${location.host}${withLanguage("/api/events")}`);
  socket.addEventListener("message", (event) => handle(JSON.parse(event.data)));
  socket.addEventListener("open", () => document.body.classList.add("live"));
  socket.addEventListener("close", () => {
    document.body.classList.remove("live");
    setTimeout(connect, 1000);
  });
}

function handle(event) {
  if (event.type === "state") {
    for (const chat of chats.values()) chat.section.remove();
    chats.clear();
    document.getElementById("tabs").replaceChildren();
    selected = null;
    for (const person of event.people) addChat(person, event.chats[person.id]);
    showClock(event);
  } else if (event.type === "person") {
    addChat(event.person, event.chat);
    select(event.person.id);
  } else if (event.type === "chat") {
    const chat = chats.get(event.person);
    if (chat) renderChat(chat, event.chat);
  } else if (event.type === "clock") {
    showClock(event);
  }
}

// The server formats the bot's time in the page's language.
function showClock(event) {
  const clock = document.getElementById("clock");
  clock.dateTime = event.now;
  clock.textContent = event.clock_text;
  document.getElementById("offset").textContent = event.offset_text;
}

// -- a chat column ----------------------------------------------------------------------------

function addChat(person, state) {
  const id = person.id;
  const titleId = `chat-title-${id}`;
  const inputId = `chat-input-${id}`;
  const role = person.coordinator ? label("coordinator") : "";
  const list = el("ol", {className: "messages",
    "aria-label": label("messages_with", {name: person.name})});
  const keyboard = el("div", {className: "reply-keyboard", role: "group",
    "aria-label": label("keyboard"), hidden: true});
  const notice = el("p", {className: "notice", role: "status", hidden: true});
  const input = el("input", {id: inputId, className: "message-input", dir: "auto",
    autocomplete: "off", maxlength: "4096", placeholder: label("message")});
  const replying = el("div", {className: "replying", hidden: true});
  const composer = el("form", {className: "composer"},
    el("label", {for: inputId, className: "visually-hidden"},
      label("message_as", {name: person.name})),
    input,
    el("button", {type: "submit"}, label("send")));
  composer.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    const body = {text, reply_to: chats.get(id).replyTo};
    if (await post(`/api/people/${id}/messages`, body)) replyTo(chats.get(id), null);
    else input.value = text;
    input.focus();
  });
  const start = el("button", {type: "button", className: "start",
    onclick: () => post(`/api/people/${id}/messages`, {text: "/start"})}, label("start"));
  const section = el("section", {id: `chat-${id}`, className: "chat", "data-person-id": id,
    "aria-labelledby": titleId, lang: person.language},
    el("header", {className: "chat-header"},
      el("h2", {id: titleId}, person.name),
      el("p", {className: "who"},
        [role, label("telegram", {language: person.language})].filter(Boolean).join(" · "))),
    list, start, notice, keyboard, replying, composer);
  document.getElementById("chats").append(section);
  const tab = el("button", {type: "button", "aria-controls": section.id,
    onclick: () => select(id)}, person.name);
  document.getElementById("tabs").append(tab);
  const chat = {person, section, list, keyboard, notice, input, start, tab, replying,
    shown: new Map(), noticeId: null, replyTo: null};
  chats.set(id, chat);
  if (selected === null) select(id);
  renderChat(chat, state, true);
}

function select(id) {
  selected = id;
  for (const [personId, chat] of chats) {
    const on = personId === id;
    chat.section.classList.toggle("selected", on);
    chat.tab.setAttribute("aria-pressed", String(on));
  }
}

function renderChat(chat, state, opening = false) {
  const focus = rememberFocus(chat);
  const seen = new Set();
  let previous = null;
  for (const message of state.messages) {
    seen.add(message.id);
    const json = JSON.stringify(message);
    let entry = chat.shown.get(message.id);
    if (!entry || entry.json !== json) {
      const node = renderMessage(chat, message);
      if (entry) entry.node.replaceWith(node);
      else if (previous) previous.after(node);
      else chat.list.prepend(node);
      entry = {json, node};
      chat.shown.set(message.id, entry);
    }
    previous = entry.node;
  }
  for (const [id, entry] of chat.shown) {
    if (!seen.has(id)) {
      entry.node.remove();
      chat.shown.delete(id);
    }
  }
  chat.start.hidden = state.messages.length > 0;
  renderKeyboard(chat, state.keyboard);
  renderNotice(chat, state.notice, opening);
  restoreFocus(chat, focus);
  chat.list.scrollTop = chat.list.scrollHeight;
}

// Pressing a button often edits its own message; keep the keyboard focus on the same button.
function rememberFocus(chat) {
  const active = document.activeElement;
  const item = active?.closest?.("li.message");
  if (!item || !chat.list.contains(item)) return null;
  const buttons = [...item.querySelectorAll("button")];
  return {id: item.dataset.messageId, index: buttons.indexOf(active)};
}

function restoreFocus(chat, focus) {
  if (!focus || chat.list.contains(document.activeElement)) return;
  const item = chat.list.querySelector(`li[data-message-id="${focus.id}"]`);
  const buttons = item ? item.querySelectorAll("button") : [];
  (buttons[focus.index] || buttons[0] || chat.input).focus();
}

// Replying to a message (a coordinator's note is a reply to the bot's "Saved" message).
function replyTo(chat, message) {
  chat.replyTo = message ? message.id : null;
  chat.replying.hidden = !message;
  if (!message) return;
  chat.replying.replaceChildren(
    el("span", {dir: "auto"}, label("reply_to", {text: snippet(message)})),
    el("button", {type: "button", "aria-label": label("cancel_reply"),
      onclick: () => { replyTo(chat, null); chat.input.focus(); }}, "✕"));
  chat.input.focus();
}

function snippet(message) {
  const text = message.text || (message.media && mediaName(message.media));
  return (text || "").slice(0, 80);
}

function renderMessage(chat, message) {
  const bubble = el("div", {className: "bubble"});
  const quoted = message.reply_to && chat.shown.get(message.reply_to);
  if (quoted) {
    bubble.append(el("div", {className: "quote", dir: "auto"},
      snippet(JSON.parse(quoted.json))));
  }
  if (message.media) bubble.append(renderMedia(message.media));
  if (message.text !== null && message.text !== undefined) {
    const text = el("div", {className: "text", dir: "auto"});
    renderEntities(text, message.text, message.entities || [], 0, message.text.length);
    bubble.append(text);
  }
  if (message.edits > 0) bubble.append(el("span", {className: "edited"}, label("edited")));
  const item = el("li", {className: `message ${message.from_bot ? "bot" : "me"}`,
    "data-message-id": message.id, "data-edits": message.edits}, bubble);
  if (message.buttons.length) item.append(renderButtons(chat, message));
  if (message.from_bot) {
    item.append(el("button", {type: "button", className: "reply",
      "aria-label": label("reply_to_this"), title: label("reply"),
      onclick: () => replyTo(chat, message)}, "↩"));
  }
  return item;
}

function renderButtons(chat, message) {
  const group = el("div", {className: "inline-keyboard", role: "group",
    "aria-label": label("buttons")});
  for (const row of message.buttons) {
    const line = el("div", {className: "row"});
    for (const button of row) {
      if (button.url) {
        line.append(el("a", {href: button.url, target: "_blank", rel: "noopener noreferrer",
          className: "button", dir: "auto"}, button.text));
      } else if (button.data !== undefined) {
        line.append(el("button", {type: "button", dir: "auto", onclick: () =>
          post(`/api/people/${chat.person.id}/press`,
            {message_id: message.id, data: button.data})}, button.text));
      } else {
        line.append(el("button", {type: "button", disabled: true, dir: "auto"}, button.text));
      }
    }
    group.append(line);
  }
  return group;
}

function renderMedia(media) {
  const url = media.file_id ? `/files/${encodeURIComponent(media.file_id)}` : null;
  if (media.kind === "photo") {
    return el("a", {href: url, target: "_blank", className: "photo"},
      el("img", {src: url, alt: label("picture"), loading: "lazy"}));
  }
  if (media.kind === "document") {
    const kilobytes = new Intl.NumberFormat(LANGUAGE)
      .format(Math.max(1, Math.round(media.size / 1024)));
    const size = media.size ? ` (${label("size_kb", {size: kilobytes})})` : "";
    return el("a", {href: url, download: mediaName(media), className: "document"},
      `📄 ${mediaName(media)}${size}`);
  }
  if (media.kind === "voice") {
    return el("audio", {controls: true, src: url, "aria-label": label("voice")});
  }
  return el("span", {className: "label"}, mediaName(media));
}

// What a picture, file or sticker is called where it has no text of its own.
function mediaName(media) {
  if (media.kind === "document") return media.file_name || label("document");
  if (media.kind === "photo") return label("picture");
  if (media.kind === "voice") return label("voice");
  if (media.kind === "label" && media.label in LABELS) return label(media.label);
  return media.label || "";
}

function renderKeyboard(chat, keyboard) {
  chat.keyboard.replaceChildren();
  chat.keyboard.hidden = !keyboard;
  chat.input.placeholder = keyboard?.placeholder || label("message");
  if (!keyboard) return;
  for (const row of keyboard.rows) {
    const line = el("div", {className: "row"});
    for (const text of row) {
      line.append(el("button", {type: "button", dir: "auto", onclick: () =>
        post(`/api/people/${chat.person.id}/reply-button`, {text})}, text));
    }
    chat.keyboard.append(line);
  }
}

// The bot's answer to a pressed button shows for a moment, as Telegram's small notice does;
// answers from before the page was opened are not shown again.
function renderNotice(chat, notice, opening) {
  const id = notice ? notice.id : null;
  if (opening) chat.noticeId = id;
  if (!notice || id === chat.noticeId) return;
  chat.noticeId = id;
  chat.notice.textContent = notice.text;
  chat.notice.dir = "auto";
  chat.notice.hidden = false;
  clearTimeout(chat.noticeTimer);
  chat.noticeTimer = setTimeout(() => { chat.notice.hidden = true; }, notice.alert ? 8000 : 4000);
}

// -- formatted text: Telegram's entities (UTF-16 offsets, as JavaScript strings count) -------

function renderEntities(container, text, entities, start, end) {
  const sorted = entities
    .filter((e) => e.offset >= start && e.offset + e.length <= end)
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  let position = start;
  for (const entity of sorted) {
    if (entity.offset < position) continue; // inside one already drawn
    container.append(text.slice(position, entity.offset));
    const stop = entity.offset + entity.length;
    const node = entityNode(entity, text.slice(entity.offset, stop));
    const inner = sorted.filter((e) => e !== entity && e.offset >= entity.offset &&
      e.offset + e.length <= stop);
    renderEntities(node.querySelector("code") || node, text, inner, entity.offset, stop);
    container.append(node);
    position = stop;
  }
  container.append(text.slice(position, end));
}

const SIMPLE_ENTITIES = {
  bold: "strong", italic: "em", underline: "u", strikethrough: "s", code: "code",
  blockquote: "blockquote", expandable_blockquote: "blockquote",
};

function entityNode(entity, content) {
  if (SIMPLE_ENTITIES[entity.type]) return el(SIMPLE_ENTITIES[entity.type]);
  if (entity.type === "pre") return el("pre", {}, el("code"));
  if (entity.type === "spoiler") {
    return el("span", {className: "spoiler", tabindex: "0", title: label("spoiler"),
      onclick: (event) => event.currentTarget.classList.add("shown")});
  }
  const href = entity.type === "text_link" ? entity.url : entity.type === "url" ? content : null;
  if (href && /^https?:\/\//i.test(href)) {
    return el("a", {href, target: "_blank", rel: "noopener noreferrer"});
  }
  return el("span", {className: `entity-${entity.type}`});
}

// -- the toolbar ------------------------------------------------------------------------------

function setUpToolbar() {
  for (const id of ["forward-day", "forward-week"]) {
    const button = document.getElementById(id);
    button.addEventListener("click", async () => {
      button.disabled = true;
      say(label("fast_forwarding"));
      const done = await post("/api/fast-forward", {days: Number(button.dataset.days)});
      if (done) say(label(button.dataset.done));
      button.disabled = false;
    });
  }
  document.getElementById("reset").addEventListener("click", async () => {
    if (!confirm(label("reset_confirm"))) return;
    if (await post("/api/reset")) say(label("reset_done"));
  });
  const form = document.getElementById("add-person");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = form.elements.name.value.trim();
    const language = form.elements.language.value;
    if (!name) return;
    if (await post("/api/people", {name, language})) {
      form.elements.name.value = "";
      say(label("added", {name}));
    }
  });
}

if (!rememberLanguage()) {
  setUpToolbar();
  connect();
}
