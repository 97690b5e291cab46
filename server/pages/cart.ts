// "/cart": filled in the browser from the store's localStorage cart; "Place order" pushes purchase.
// The "Complete your purchase" shelf becomes a cross-sell slot once the script knows the cart.
import type { PageContext } from '../page-context';
import type { Page } from './layout';
import { cartScript } from './scripts';

export function cartPage(ctx: PageContext): Page {
  const content = `<header class="page-header"><h1>Your cart</h1></header>
    <p id="cart-empty" class="muted">Your cart is empty.</p>
    <div id="cart-content" class="cart" hidden>
      <ul id="cart-items" class="cart-lines"></ul>
      <p class="cart-total">Total: <strong id="cart-total"></strong></p>
      <button id="place-order" class="btn" type="button" disabled>Place order</button>
    </div>
    <section id="cart-shelf" class="shelf" hidden>
      <h2>Complete your purchase</h2>
      <div id="cart-cross-sell" data-shelfwise-count="6"></div>
    </section>
    <section id="order-thanks" class="thanks" hidden>
      <h2>Thank you for your order!</h2>
      <p>Order <strong id="order-id"></strong> is on its way (not really: this is a demo).</p>
    </section>`;
  return { title: 'Cart', content, scripts: [cartScript(ctx.catalog.currency, ctx.query)] };
}
