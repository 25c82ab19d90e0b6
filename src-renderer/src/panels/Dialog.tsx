// A modal dialog on the native <dialog>: focus stays inside, Escape closes it.
import { useEffect, useRef } from 'react';
import type { FormEvent, ReactNode } from 'react';

export function Dialog({ title, open, onClose, onSubmit, submitLabel, children, testId }: {
  title: string;
  open: boolean;
  onClose(): void;
  onSubmit(): void;
  submitLabel: string;
  children: ReactNode;
  testId: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <dialog ref={ref} className="dialog" data-testid={testId} onClose={onClose} aria-label={title}>
      {open && (
        <form onSubmit={submit}>
          <h2>{title}</h2>
          {children}
          <div className="dialog-buttons">
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="primary" data-testid={`${testId}-submit`}>
              {submitLabel}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
