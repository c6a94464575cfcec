import { useEffect, useState } from 'react';

function parseList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim().replace(/\s+/g, ' ').toLowerCase())
    .filter((s) => s.length > 0);
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export interface HeldOutFieldProps {
  value: string[];
  onChange: (v: string[]) => void;
  disabled?: boolean;
}

/** Held-out colour×shape combinations as comma-separated text. */
export function HeldOutField({ value, onChange, disabled }: HeldOutFieldProps) {
  const [text, setText] = useState(() => value.join(', '));

  useEffect(() => {
    setText((t) => (sameList(parseList(t), value) ? t : value.join(', ')));
  }, [value]);

  return (
    <div className="field field-wide">
      <label htmlFor="ds-heldout">Held-out combinations</label>
      <textarea
        id="ds-heldout"
        rows={2}
        value={text}
        disabled={disabled}
        spellCheck={false}
        onChange={(e) => {
          setText(e.target.value);
          const list = parseList(e.target.value);
          if (!sameList(list, value)) onChange(list);
        }}
        onBlur={() => setText(value.join(', '))}
      />
      <span className="field-hint">colour shape pairs never shown in training, e.g. “red triangle, green star”</span>
    </div>
  );
}
