"use strict";
// The sandbox's chat page: plays Telegram's app for one persona at a time.

// What Telegram shows of parse_mode=HTML; everything else is reduced to its text.
const TELEGRAM_TAGS = new Set([
  "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
  "span", "tg-spoiler", "blockquote", "tg-emoji",
]);
const SAFE_LINK = /^(https?:|tg:|mailto:)/i;
// A deep link as the bot writes it: https://t.me/<bot>?start=<payload> (Telegram's alphabet).
const DEEP_LINK = /(?:https?:\/\/)?(?:t|telegram)\.me\/([A-Za-z0-9_]{4,32})\?start=([A-Za-z0-9_-]{1,64})/g;
const RETRY_MS = [250, 500, 1000]; // after a failed poll; the last one repeats
const TOAST_MS = 4000; // a callback answer without show_alert fades as on Telegram

const $ = (id) => document.getElementById(id);
let personas = [];
let current = null;
let polling = null; // AbortController of the current chat's long poll
let botUsername = "";
const dismissed = new Set(); // notices closed or faded: each is shown once

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

async function request(path, options) {
  const response = await fetch(path, options);
  if (!response.ok) throw new Error(await response.text());
  return response.json();
}

function post(path, body) {
  return request(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

// The start payload of a t.me link to this bot, else null.
function deepLinkPayload(url) {
  DEEP_LINK.lastIndex = 0;
  const match = DEEP_LINK.exec(url);
  const ours = match && match.index === 0 && match[0].length === url.length;
  return ours && match[1].toLowerCase() === botUsername.toLowerCase() ? match[2] : null;
}

// A link to this bot opens a chat with "/start <payload>", as tapping it on Telegram does.
function deepLink(link, href, payload) {
  link.href = href;
  link.className = "deep-link";
  link.title = "Open the bot with this link";
  link.addEventListener("click", (event) => {
    event.preventDefault();
    openAs(payload);
  });
  return link;
}

// Text with the t.me links to this bot made clickable; any other text stays text.
function linkified(text) {
  const out = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(DEEP_LINK)) {
    if (match[1].toLowerCase() !== botUsername.toLowerCase()) continue;
    out.append(text.slice(last, match.index));
    out.append(deepLink(element("a", "", match[0]), match[0], match[2]));
    last = match.index + match[0].length;
  }
  out.append(text.slice(last));
  return out;
}

// The bot's HTML, rebuilt node by node from an inert document: only Telegram's tags survive.
function sanitized(html) {
  return copyAllowed(new DOMParser().parseFromString(html, "text/html").body, false);
}

function copyAllowed(source, inLink) {
  const out = document.createDocumentFragment();
  for (const child of source.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) {
      out.append(inLink ? child.data : linkified(child.data));
    } else if (child.nodeType === Node.ELEMENT_NODE) {
      const inner = copyAllowed(child, inLink || child.localName === "a");
      const copy = TELEGRAM_TAGS.has(child.localName) ? shown(child) : null;
      if (copy) {
        copy.append(inner);
        out.append(copy);
      } else {
        out.append(inner);
      }
    }
  }
  return out;
}

function shown(source) {
  const tag = source.localName;
  if (tag === "tg-spoiler" || (tag === "span" && source.classList.contains("tg-spoiler"))) {
    return element("span", "spoiler");
  }
  if (tag === "span" || tag === "tg-emoji") return element("span");
  if (tag === "a") {
    const link = element("a");
    const href = source.getAttribute("href") || "";
    const payload = deepLinkPayload(href);
    if (payload) return deepLink(link, href, payload);
    if (SAFE_LINK.test(href)) {
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
    }
    return link;
  }
  return element(tag);
}

function renderFile(file) {
  const box = element("div", "file");
  if (file.kind === "photo") {
    const image = element("img");
    image.src = file.url;
    image.alt = file.name;
    box.append(image);
  }
  const open = element("a", "file-name", "📄 " + file.name);
  open.href = file.url;
  open.target = "_blank";
  open.rel = "noopener";
  const save = element("a", "file-save", "⬇");
  save.href = file.url + "?download=1";
  save.download = file.name;
  save.title = "Download";
  box.append(open, save);
  return box;
}

function renderButtons(message) {
  const keyboard = element("div", "buttons");
  for (const row of message.buttons) {
    const line = element("div", "button-row");
    for (const spec of row) {
      const button = element("button", "inline", spec.text);
      button.type = "button";
      button.dir = "auto";
      if (spec.callback_data !== undefined) {
        button.dataset.callback = spec.callback_data;
        button.addEventListener("click", () => press(message.id, spec.callback_data, button));
      } else if (spec.url && deepLinkPayload(spec.url)) {
        button.addEventListener("click", () => openAs(deepLinkPayload(spec.url)));
      } else if (spec.url) {
        button.addEventListener("click", () => window.open(spec.url, "_blank", "noopener"));
      }
      line.append(button);
    }
    keyboard.append(line);
  }
  return keyboard;
}

function renderMessage(message) {
  const row = element("div", "row " + message.from);
  const bubble = element("div", "msg " + message.from);
  bubble.dataset.id = message.id;
  if (message.file) bubble.append(renderFile(message.file));
  if (message.body) {
    const text = element("div", "text");
    text.dir = "auto";
    text.append(message.html ? sanitized(message.body) : linkified(message.body));
    bubble.append(text);
  }
  if (message.edited) bubble.append(element("span", "edited", "edited"));
  row.append(bubble);
  if (message.buttons.length) row.append(renderButtons(message));
  return row;
}

function renderKeyboard(markup) {
  const box = $("keyboard");
  box.replaceChildren();
  box.hidden = !markup;
  if (!markup) return;
  for (const row of markup.keyboard) {
    const line = element("div", "button-row");
    for (const spec of row) {
      const label = typeof spec === "string" ? spec : spec.text;
      const button = element("button", "reply", label);
      button.type = "button";
      button.dir = "auto";
      button.addEventListener("click", () => send(label));
      line.append(button);
    }
    box.append(line);
  }
}

function renderCommands(commands) {
  const box = $("commands");
  box.replaceChildren();
  for (const command of commands) {
    const item = element("button", "command");
    item.type = "button";
    item.append(element("span", "command-name", "/" + command.command));
    const description = element("span", "command-description", command.description);
    description.dir = "auto";
    item.append(description);
    item.addEventListener("click", () => {
      toggleCommands(false);
      send("/" + command.command);
    });
    box.append(item);
  }
  $("menu-button").disabled = commands.length === 0;
}

function toggleCommands(open) {
  $("commands").hidden = !open;
  $("menu-button").setAttribute("aria-expanded", String(open));
}

// A callback answer's text: shown once, until OK (an alert) or a few seconds (a toast).
function renderNotice(notice) {
  const box = $("notice");
  if (!notice || dismissed.has(notice.id)) {
    box.hidden = true;
    return;
  }
  if (!box.hidden && box.dataset.id === String(notice.id)) return; // on screen already
  const dismiss = () => {
    dismissed.add(notice.id);
    if (box.dataset.id === String(notice.id)) box.hidden = true;
  };
  box.dataset.id = notice.id;
  box.className = notice.alert ? "alert" : "toast";
  const text = element("span", "", notice.text);
  text.dir = "auto";
  const close = element("button", "", "OK");
  close.type = "button";
  close.addEventListener("click", dismiss);
  box.replaceChildren(text, close);
  box.hidden = false;
  if (!notice.alert) setTimeout(dismiss, TOAST_MS);
}

function render(state) {
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const count = list.children.length;
  list.replaceChildren(...state.messages.map(renderMessage));
  if (atBottom || state.messages.length !== count) list.scrollTop = list.scrollHeight;
  renderKeyboard(state.keyboard);
  renderCommands(state.commands);
  renderNotice(state.notice);
}

function setStatus(text) {
  $("status").textContent = text;
  $("status").hidden = !text;
}

// Long polling: each answer is the whole chat, so an edited or deleted message just re-renders.
// Versions count within one run of the sandbox; after a restart the server answers at once.
async function follow(persona) {
  if (polling) polling.abort();
  const controller = new AbortController();
  polling = controller;
  let version = -1;
  let run = "";
  let failures = 0;
  while (!controller.signal.aborted) {
    try {
      const path = `/api/chats/${persona.key}?after=${version}&run=${run}`;
      const state = await request(path, { signal: controller.signal });
      if (controller.signal.aborted) return;
      ({ version, run } = state);
      failures = 0;
      setStatus("");
      render(state);
    } catch (error) {
      if (controller.signal.aborted) return;
      setStatus("offline: is the sandbox still running?");
      const wait = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)];
      failures += 1;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

async function send(text) {
  try {
    await post(`/api/chats/${current.key}/messages`, { text });
  } catch (error) {
    setStatus(error.message);
  }
}

async function press(messageId, data, button) {
  button.classList.add("pressed");
  try {
    await post(`/api/chats/${current.key}/presses`, { message_id: messageId, data });
  } catch (error) {
    button.classList.remove("pressed");
    setStatus(error.message);
  }
}

async function upload(file) {
  const form = new FormData();
  form.append("file", file);
  try {
    await request(`/api/chats/${current.key}/files`, { method: "POST", body: form });
  } catch (error) {
    setStatus(error.message);
  }
}

function choose(persona) {
  current = persona;
  location.hash = persona.key;
  for (const item of $("personas").children) {
    item.classList.toggle("active", item.dataset.persona === persona.key);
  }
  $("persona-select").value = persona.key;
  $("chat-title").textContent = label(persona);
  $("messages").lang = persona.language;
  $("messages").replaceChildren();
  toggleCommands(false);
  follow(persona);
  $("text").focus();
}

// Who opens a deep link: on Telegram, whoever taps it; here, the persona chosen for it.
function openAs(payload) {
  const dialog = $("open-as");
  const list = $("open-as-personas");
  list.replaceChildren();
  for (const persona of personas) {
    const item = element("button", "persona", "");
    item.type = "button";
    item.dataset.persona = persona.key;
    item.append(element("span", "persona-name", persona.name));
    item.append(element("span", "persona-role", persona.role));
    item.addEventListener("click", () => {
      dialog.close();
      choose(persona);
      send(`/start ${payload}`);
    });
    list.append(item);
  }
  dialog.showModal();
}

function label(persona) {
  return `${persona.name} · ${persona.role} · ${persona.language_name}`;
}

function renderPersonas() {
  const nav = $("personas");
  const select = $("persona-select");
  for (const persona of personas) {
    const option = element("option", "", label(persona));
    option.value = persona.key;
    select.append(option);
    const item = element("button", "persona");
    item.type = "button";
    item.dataset.persona = persona.key;
    item.append(element("span", "persona-name", persona.name));
    item.append(element("span", "persona-role", persona.role));
    const language = element("span", "persona-language", persona.language_name);
    language.lang = persona.language;
    item.append(language);
    item.addEventListener("click", () => choose(persona));
    nav.append(item);
  }
}

// The message box grows with its lines; its CSS max-height caps it, then it scrolls.
function fitText() {
  const box = $("text");
  box.style.height = "auto";
  box.style.height = `${box.scrollHeight + box.offsetHeight - box.clientHeight}px`;
}

// Enter sends and Shift+Enter starts a new line; on a touch screen Enter is a new line and
// Send sends, as in Telegram's app. Pasted text keeps its lines.
function onKey(event) {
  const touch = matchMedia("(pointer: coarse)").matches;
  if (event.key !== "Enter" || event.shiftKey || event.isComposing || touch) return;
  event.preventDefault();
  $("composer").requestSubmit();
}

async function start() {
  const [list, about] = await Promise.all([request("/api/personas"), request("/api/about")]);
  personas = list;
  botUsername = about.bot_username;
  $("quiet-hours").textContent = about.quiet_hours;
  renderPersonas();
  $("persona-select").addEventListener("change", (event) => {
    choose(personas.find((persona) => persona.key === event.target.value));
  });
  $("text").addEventListener("keydown", onKey);
  $("text").addEventListener("input", fitText);
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("text").value.trim();
    if (!text) return;
    $("text").value = "";
    fitText();
    send(text);
  });
  $("menu-button").addEventListener("click", () => toggleCommands($("commands").hidden));
  $("file-input").addEventListener("change", (event) => {
    const [file] = event.target.files;
    if (file) upload(file);
    event.target.value = "";
  });
  const wanted = personas.find((persona) => persona.key === location.hash.slice(1));
  choose(wanted || personas[0]);
}

start();
