// The "Why this?" popover: it covers its own card (so nothing outside the shelf's reserved box
// moves, and the track's scrolling cannot clip it), takes focus so a screen reader reads it, and
// gives focus back to its button when closed by Escape or its close button.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Candidate, Explanation } from '../shared/types';
import { warn } from './guard';
import type { Messages } from './messages';
import { reasonTexts } from './reasons';

export interface WhyProps {
  id: string;
  item: Candidate;
  messages: Messages;
  /** The model's reasons; absent when the shelf is in the server's order. */
  explain?(item: Candidate): Promise<Explanation | null>;
  /** Closes; `refocus` when focus should go back to the "Why this?" button. */
  onClose(refocus: boolean): void;
}

export function WhyPopover({ id, item, messages: m, explain, onClose }: WhyProps) {
  const box = useRef<HTMLDivElement>(null);
  const [reasons, setReasons] = useState<string[] | null>(explain ? null : reasonTexts(null, m));
  useEffect(() => {
    if (!explain) return;
    let live = true;
    Promise.resolve()
      .then(() => explain(item))
      .catch((error: unknown) => {
        warn(error);
        return null;
      })
      .then((x) => live && setReasons(reasonTexts(x, m)));
    return () => void (live = false);
  }, []);
  useLayoutEffect(() => box.current?.focus(), []);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    e.stopPropagation();
    onClose(true);
  };
  // Focus leaving the card (a click elsewhere, Tab past the close button) closes it.
  const onFocusOut = (e: FocusEvent) => {
    const to = e.relatedTarget as Node | null;
    if (!to || !box.current?.parentElement?.contains(to)) onClose(false);
  };
  return (
    <div class="pop" id={id} ref={box} role="dialog" aria-labelledby={id + '-t'} tabIndex={-1} onKeyDown={onKeyDown} onFocusOut={onFocusOut}>
      <div class="pt" id={id + '-t'}>{m.whyTitle}</div>
      {reasons ? (
        <ul class="rs">
          {reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      ) : (
        <p class="rs" aria-busy="true">{m.whyLoading}</p>
      )}
      <p class="pn">{m.whyNote}</p>
      <button type="button" class="x" aria-label={m.close} onClick={() => onClose(true)}>
        <svg viewBox="0 0 24 24" aria-hidden="true" stroke-width="2">
          <path d="M18 6 6 18M6 6l12 12" />
        </svg>
      </button>
    </div>
  );
}
