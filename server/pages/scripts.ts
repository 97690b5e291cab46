// The storefront's own inline scripts (host-page code, as a merchant's theme and tag manager would
// write them). Each returns a script body; the layout wraps it in a <script> with the CSP nonce.
// Data is embedded with jsonForScript so no product text can break out of the script.
import { jsonForScript } from '../html';
import type { Ga4PushItem, ItemList } from './ga4';

/** Cart kept in the store's own localStorage, plus the header's item count. Runs on every page. */
export function cartCountScript(): string {
  return `(function () {
  window.dataLayer = window.dataLayer || [];
  var KEY = 'storefront-cart';
  function read() {
    try { var v = JSON.parse(localStorage.getItem(KEY) || '[]'); return Array.isArray(v) ? v : []; } catch (e) { return []; }
  }
  function showCount() {
    var el = document.getElementById('cart-count');
    if (el) el.textContent = String(read().reduce(function (n, l) { return n + (l.quantity || 0); }, 0));
  }
  function write(lines) {
    try { localStorage.setItem(KEY, JSON.stringify(lines)); } catch (e) { /* storage full or blocked */ }
    showCount();
  }
  window.storefrontCart = {
    lines: read,
    add: function (item) {
      var lines = read();
      var line = lines.find(function (l) { return l.item_id === item.item_id; });
      if (line) line.quantity += 1; else lines.push(Object.assign({}, item, { quantity: 1 }));
      write(lines);
    },
    remove: function (id) { write(read().filter(function (l) { return l.item_id !== id; })); },
    clear: function () { write([]); }
  };
  showCount();
})();`;
}

/**
 * Consent banner for ?consent=opt-in pages. The choice is re-sent on every page load (as a consent
 * manager does), so the widget hears it even if it keeps no memory of its own.
 */
export function consentScript(): string {
  return `(function () {
  var KEY = 'storefront-consent';
  var banner = document.getElementById('sw-consent');
  function tell(choice) {
    window.shelfwise = window.shelfwise || [];
    shelfwise.push(['consent', choice]);
  }
  function decide(choice) {
    try { localStorage.setItem(KEY, choice); } catch (e) { /* private mode */ }
    tell(choice);
    banner.hidden = true;
  }
  var saved = null;
  try { saved = localStorage.getItem(KEY); } catch (e) { /* private mode */ }
  if (saved === 'granted' || saved === 'denied') { tell(saved); banner.hidden = true; }
  document.getElementById('sw-consent-accept').addEventListener('click', function () { decide('granted'); });
  document.getElementById('sw-consent-decline').addEventListener('click', function () { decide('denied'); });
  var settings = document.getElementById('sw-consent-settings');
  if (settings) settings.addEventListener('click', function () { banner.hidden = false; });
})();`;
}

/** view_item_list on load; select_item when a product of that list is clicked (before navigating). */
export function productListScript(list: ItemList, items: Ga4PushItem[]): string {
  return `(function () {
  var list = ${jsonForScript(list)};
  var items = ${jsonForScript(items)};
  window.dataLayer = window.dataLayer || [];
  dataLayer.push({ ecommerce: null });
  dataLayer.push({ event: 'view_item_list', ecommerce: { item_list_id: list.item_list_id, item_list_name: list.item_list_name, items: items } });
  var grid = document.querySelector('[data-sf-list="' + list.item_list_id + '"]');
  if (!grid) return;
  grid.addEventListener('click', function (e) {
    var card = e.target instanceof Element ? e.target.closest('[data-sf-item]') : null;
    if (!card) return;
    var id = card.getAttribute('data-sf-item');
    var item = items.find(function (i) { return i.item_id === id; });
    if (!item) return;
    dataLayer.push({ ecommerce: null });
    dataLayer.push({ event: 'select_item', ecommerce: { item_list_id: list.item_list_id, item_list_name: list.item_list_name, items: [item] } });
  });
})();`;
}

/** view_item on load; add_to_cart and add_to_wishlist from the product page's buttons. */
export function productScript(item: Ga4PushItem, currency: string): string {
  return `(function () {
  var item = ${jsonForScript(item)};
  var currency = ${jsonForScript(currency)};
  window.dataLayer = window.dataLayer || [];
  dataLayer.push({ ecommerce: null });
  dataLayer.push({ event: 'view_item', ecommerce: { currency: currency, value: item.price, items: [item] } });
  var status = document.getElementById('product-status');
  document.getElementById('add-to-cart').addEventListener('click', function () {
    window.storefrontCart.add(item);
    dataLayer.push({ ecommerce: null });
    dataLayer.push({ event: 'add_to_cart', ecommerce: { currency: currency, value: item.price, items: [item] } });
    status.textContent = 'Added to your cart.';
  });
  document.getElementById('add-to-wishlist').addEventListener('click', function () {
    dataLayer.push({ ecommerce: null });
    dataLayer.push({ event: 'add_to_wishlist', ecommerce: { currency: currency, value: item.price, items: [item] } });
    status.textContent = 'Saved to your wishlist.';
  });
})();`;
}

/**
 * Renders the cart from localStorage; remove_from_cart; purchase on "Place order". A cart with
 * items turns the shelf placeholder into a cross-sell slot whose context is the cart's ids (the
 * first 20) and asks the widget to render it; the shelf keeps what it showed as lines are removed.
 */
export function cartScript(currency: string, linkQuery: string): string {
  return `(function () {
  var currency = ${jsonForScript(currency)};
  var linkQuery = ${jsonForScript(linkQuery)};
  var money = new Intl.NumberFormat('en-IE', { style: 'currency', currency: currency });
  var list = document.getElementById('cart-items');
  var total = document.getElementById('cart-total');
  var empty = document.getElementById('cart-empty');
  var content = document.getElementById('cart-content');
  var button = document.getElementById('place-order');
  window.dataLayer = window.dataLayer || [];
  function sum(lines) {
    return Math.round(lines.reduce(function (s, l) { return s + l.price * l.quantity; }, 0) * 100) / 100;
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function row(line) {
    var li = el('li', 'cart-line');
    var img = el('img');
    img.src = '/img/' + encodeURIComponent(line.item_id) + '.png';
    img.alt = '';
    img.width = 64; img.height = 64;
    var info = el('div', 'cart-line-info');
    var link = el('a', 'cart-line-name', line.item_name);
    link.href = '/p/' + encodeURIComponent(line.item_id) + linkQuery;
    info.append(link, el('span', 'cart-line-brand', line.item_brand));
    var qty = el('span', 'cart-line-qty', '× ' + line.quantity);
    var price = el('span', 'cart-line-price', money.format(line.price * line.quantity));
    var remove = el('button', 'link-button', 'Remove');
    remove.type = 'button';
    remove.addEventListener('click', function () {
      window.storefrontCart.remove(line.item_id);
      dataLayer.push({ ecommerce: null });
      dataLayer.push({ event: 'remove_from_cart', ecommerce: { currency: currency, value: sum([line]), items: [line] } });
      render();
    });
    li.append(img, info, qty, price, remove);
    return li;
  }
  function crossSell(lines) {
    var slot = document.getElementById('cart-cross-sell');
    if (lines.length === 0 || slot.hasAttribute('data-shelfwise-slot')) return;
    slot.setAttribute('data-shelfwise-context-items', lines.slice(0, 20).map(function (l) { return l.item_id; }).join(','));
    slot.setAttribute('data-shelfwise-slot', 'cross-sell');
    document.getElementById('cart-shelf').hidden = false;
    window.shelfwise = window.shelfwise || [];
    shelfwise.push(['render']);
  }
  function render() {
    var lines = window.storefrontCart.lines();
    list.replaceChildren.apply(list, lines.map(row));
    total.textContent = money.format(sum(lines));
    empty.hidden = lines.length > 0;
    content.hidden = lines.length === 0;
    button.disabled = lines.length === 0;
    crossSell(lines);
  }
  button.addEventListener('click', function () {
    var lines = window.storefrontCart.lines();
    if (lines.length === 0) return;
    var transactionId = 'T-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 8);
    dataLayer.push({ ecommerce: null });
    dataLayer.push({ event: 'purchase', ecommerce: { transaction_id: transactionId, value: sum(lines), currency: currency, items: lines } });
    window.storefrontCart.clear();
    document.getElementById('order-id').textContent = transactionId;
    document.getElementById('order-thanks').hidden = false;
    document.getElementById('cart-shelf').hidden = true;
    content.hidden = true;
  });
  render();
})();`;
}
