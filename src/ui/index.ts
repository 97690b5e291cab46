// Entry for the lazily loaded UI chunk: renders the shelf into a slot's shadow root,
// replacing reserveSlot's skeleton in the same task so the swap is never painted.
import { h, render } from 'preact';
import { useErrorBoundary } from 'preact/hooks';
import { warn } from './guard';
import { addStyles, CLEAR_EVENT, MOUNT_CLASS, mountOf } from '../loader/reserve';
import { Shelf, type ShelfProps } from './shelf';
import type { Controls } from './controls';
import { controlsOf, type Host } from './host';
import { SHELF_CSS } from './styles';
import { warmUp } from './warm';

export type { ShelfLabels, ShelfProps } from './shelf';
export { visible, type Host } from './host';

const live = new WeakSet<Element>();
let rendered = false;

// When the page is idle: while the candidates are still on their way, the render is warmed for
// free; when they are in hand already, the shelf's own render warms the code and a warm-up first
// would only be in its way (a shelf rendered is never warmed for). Without requestIdleCallback
// (Safari), in a task of its own, so the slot that imported this chunk goes on first.
const warmLater = typeof requestIdleCallback === 'function' ? requestIdleCallback : setTimeout;
warmLater(() => {
  try {
    if (!rendered) warmUp(Guarded);
  } catch (error) {
    warn(error);
  }
});

/**
 * Renders (or re-renders, cheaply: cards are keyed by item_id) the shelf into a root that
 * reserveSlot prepared (its base styles hold the reserved height). Never throws.
 */
export function renderShelf(root: ShadowRoot, props: ShelfProps & { host?: Host }): void {
  rendered = true;
  try {
    const { host, ...rest } = props;
    if (host) props = { ...rest, controls: controlsOf(host) };
    addStyles(root, SHELF_CSS);
    const mount = mountOf(root);
    if (!live.has(mount)) {
      mount.textContent = '';
      live.add(mount);
      mount.addEventListener(CLEAR_EVENT, onClear);
    }
    render(h(Guarded, props), mount);
  } catch (error) {
    warn(error);
  }
}

/** Removes the shelf (stopping its observers); the slot collapses to zero height. Never throws. */
export function unmountShelf(root: ShadowRoot): void {
  try {
    const mount = root.querySelector('.' + MOUNT_CLASS);
    if (mount && live.delete(mount)) render(null, mount);
  } catch (error) {
    warn(error);
  }
}

// clearSlot lives in the loader and cannot import Preact; it asks us to unmount.
// One shared listener, so render/unmount cycles do not pile up handlers.
function onClear(e: Event) {
  unmountShelf((e.currentTarget as Node).getRootNode() as ShadowRoot);
}

// Errors in later, state-driven renders happen outside renderShelf's try; this keeps them
// from reaching the host page: a broken shelf shows nothing.
function Guarded(props: ShelfProps) {
  const [error] = useErrorBoundary(warn);
  return error ? null : h(Shelf, props);
}

/** The page's commands for the shopper's controls: `['privacy']` opens the "Your data" panel,
 *  `['labels', …]` adds the merchant's strings (for shelves rendered after it). Never throws. */
export function command(host: Host, cmd: unknown[]): Promise<void> {
  if (cmd[0] === 'labels') {
    host.labels.push(cmd);
    return Promise.resolve();
  }
  return openPanel(controlsOf(host));
}

// The panel's code (and its words) download the first time it opens: a first visit's shelves do
// not wait for them.
function openPanel(controls: Controls): Promise<void> {
  return import('./panel').then((p) => p.openPanel(controls), warn);
}
