import { useEffect, useState } from 'react';

export interface NumberFieldProps {
  id: string;
  label: string;
  value: number;
  onChange: (v: number) => void;
  disabled?: boolean;
  integer?: boolean;
  min?: number;
  max?: number;
  step?: number | 'any';
  /** Shown as a tooltip on the label. */
  title?: string;
  /** Small text under the input. */
  hint?: string;
}

/** Display text of a value: integers as is, floats with at most 6 significant digits. */
function show(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

function parse(text: string, integer: boolean, min?: number, max?: number): number | null {
  if (text.trim() === '') return null;
  const v = Number(text);
  if (!Number.isFinite(v)) return null;
  if (integer && !Number.isInteger(v)) return null;
  if (min !== undefined && v < min) return null;
  if (max !== undefined && v > max) return null;
  return v;
}

/** A labelled numeric input that keeps a draft while the text is not yet a valid value. */
export function NumberField({ id, label, value, onChange, disabled, integer = false, min, max, step, title, hint }: NumberFieldProps) {
  const [draft, setDraft] = useState(() => show(value));
  const parsed = parse(draft, integer, min, max);

  useEffect(() => {
    setDraft((d) => (d === show(value) || parse(d, integer, min, max) === value ? d : show(value)));
  }, [value, integer, min, max]);

  return (
    <div className="field">
      <label htmlFor={id} title={title}>
        {label}
      </label>
      <input
        id={id}
        type="number"
        inputMode={integer ? 'numeric' : 'decimal'}
        value={draft}
        min={min}
        max={max}
        step={step ?? (integer ? 1 : 'any')}
        disabled={disabled}
        aria-invalid={parsed === null}
        title={title}
        onChange={(e) => {
          const text = e.target.value;
          setDraft(text);
          const v = parse(text, integer, min, max);
          if (v !== null && v !== value) onChange(v);
        }}
        onBlur={() => {
          if (parse(draft, integer, min, max) === null) setDraft(show(value));
        }}
      />
      {hint ? <span className="field-hint">{hint}</span> : null}
    </div>
  );
}
