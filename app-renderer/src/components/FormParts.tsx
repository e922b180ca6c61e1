/**
 * Pieces the print forms share (the live table, the cross-router diff, broadcast): a labelled
 * one-line text field with its error under it, and the error of a whole request in words with what
 * to do. The field's error is tied to it by aria-describedby so that a screen reader reads it with
 * the field.
 */

/** The message under a field; `alert` also announces it when it appears. */
export function FieldError({ id, message, alert = false }: { id: string; message: string | undefined; alert?: boolean }) {
  if (!message) return null;
  return (
    <p id={id} className="field-error" role={alert ? 'alert' : undefined}>
      {message}
    </p>
  );
}

export interface TextFieldProps {
  /** The input's id (the label points at it). */
  id: string;
  label: string;
  value: string;
  placeholder: string;
  /** The field's error, if any, shown under it with `errorId`. */
  error: string | undefined;
  errorId: string;
  /** Announce the error when it appears (role="alert"). */
  alertError?: boolean;
  /** The wrapper's class ('field' unless given). */
  className?: string;
  onChange(value: string): void;
}

/** A labelled monospace text field for sentence parts (query, property list, path). */
export function TextField({
  id,
  label,
  value,
  placeholder,
  error,
  errorId,
  alertError,
  className = 'field',
  onChange,
}: TextFieldProps) {
  return (
    <div className={className}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        className="input mono"
        value={value}
        spellCheck={false}
        autoComplete="off"
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      <FieldError id={errorId} message={error} alert={alertError} />
    </div>
  );
}

/** A request's error: what went wrong, then the hint saying what to do. */
export function RequestError({ error }: { error: { message: string; hint?: string | undefined } | undefined }) {
  if (!error) return null;
  return (
    <p className="table-error" role="alert">
      {error.message}
      {error.hint && <span className="hint"> {error.hint}</span>}
    </p>
  );
}
