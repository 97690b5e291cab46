// Opens the data panel: in the shadow root of the shelf it was asked from (so that shelf's theme
// applies), or, asked by the page (`shelfwise.push(['privacy'])`), in a host element of its own
// that goes when the panel closes. One panel at a time. Loaded only when first opened.
import { h, render } from 'preact';
import { useErrorBoundary } from 'preact/hooks';
import { addStyles } from '../../loader/reserve';
import type { Controls } from '../controls';
import { warn } from '../guard';
import { panelMessagesFor } from './messages';
import { Panel, type PanelProps } from './panel';
import { PANEL_CSS } from './styles';

/** The attribute of the host element a panel opened by the page lives in. */
export const PANEL_HOST = 'data-shelfwise-panel';

let openNow: { mount: HTMLElement } | null = null;

export function openPanel(controls: Controls, opts: { root?: ShadowRoot; returnFocus?: HTMLElement } = {}): void {
  try {
    if (openNow?.mount.isConnected) {
      openNow.mount.querySelector('dialog')?.focus();
      return;
    }
    const returnTo = opts.returnFocus ?? activeElement();
    let host: HTMLElement | null = null;
    let root = opts.root;
    if (!root?.host.isConnected) {
      host = document.createElement('div');
      host.setAttribute(PANEL_HOST, '');
      document.body.appendChild(host);
      root = host.attachShadow({ mode: 'open' });
    }
    addStyles(root, PANEL_CSS);
    const mount = root.appendChild(document.createElement('div'));
    mount.className = 'sw-p';
    openNow = { mount };
    const lang = controls.lang || document.documentElement.lang || undefined;
    const onClosed = () => {
      render(null, mount);
      mount.remove();
      host?.remove();
      openNow = null;
      returnTo?.focus();
    };
    render(h(Guarded, { controls, messages: panelMessagesFor(lang, controls.labels), lang, onClosed }), mount);
  } catch (error) {
    warn(error);
  }
}

/** The focused element, looking into open shadow roots (the page's own or the widget's). */
function activeElement(): HTMLElement | null {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el instanceof HTMLElement ? el : null;
}

function Guarded(props: PanelProps) {
  const [error] = useErrorBoundary(warn);
  return error ? null : h(Panel, props);
}
