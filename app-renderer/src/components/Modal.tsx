import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * A modal dialog: labelled by its title, focus moved inside on open and restored on close, Tab kept
 * inside, Escape closes. The rest of the app is made inert by <App> while a dialog is open.
 */
export function Modal(props: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
  describedBy?: string;
  role?: 'dialog' | 'alertdialog';
  /**
   * Where focus goes on close, asked at that moment; by default back to where it was. A confirmed
   * delete must not land on the Delete button, which by then belongs to another router.
   */
  returnFocus?: () => HTMLElement | null | undefined;
}) {
  const titleId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const returnFocus = useRef(props.returnFocus);
  useEffect(() => {
    returnFocus.current = props.returnFocus;
  });
  const { onClose } = props;
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const el = ref.current;
    const first = el?.querySelector<HTMLElement>('[data-autofocus], input, select, textarea, button');
    first?.focus();
    return () => (returnFocus.current?.() ?? before)?.focus?.();
  }, []);
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
      return;
    }
    if (e.key !== 'Tab' || !ref.current) return;
    const focusables = [...ref.current.querySelectorAll<HTMLElement>('input, select, textarea, button, [tabindex="0"]')].filter(
      (x) => !x.hasAttribute('disabled'),
    );
    const first = focusables[0];
    const last = focusables[focusables.length - 1];
    if (!first || !last) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
  return (
    <div className="backdrop">
      <div
        ref={ref}
        role={props.role ?? 'dialog'}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={props.describedBy}
        className={`modal ${props.className ?? ''}`}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId} className="modal-title">
          {props.title}
        </h2>
        {props.children}
      </div>
    </div>
  );
}
