import { useState, type DragEvent, type KeyboardEvent } from 'react';
import { collectDroppedFiles } from '../dropFiles';

export interface DropZoneProps {
  disabled?: boolean;
  /** Called with the dropped files (folders walked recursively). */
  onFiles: (files: File[], folderName: string | null) => void;
  /** Clicking (or Enter / Space) opens the file picker. */
  onBrowse: () => void;
  hint: string;
  /** The headline (default "Drop files or a folder here"). */
  title?: string;
  /** data-testid (default "drop-zone"). */
  testId?: string;
}

/** A drop target for files and folders. */
export function DropZone({ disabled, onFiles, onBrowse, hint, title = 'Drop files or a folder here', testId = 'drop-zone' }: DropZoneProps) {
  const [over, setOver] = useState(false);
  const [reading, setReading] = useState(false);

  const onDragOver = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    e.dataTransfer.dropEffect = disabled ? 'none' : 'copy';
    if (!disabled) setOver(true);
  };
  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setOver(false);
    if (disabled) return;
    const pending = collectDroppedFiles(e.dataTransfer); // synchronously, while the items are readable
    setReading(true);
    void pending
      .then(({ files, folderName }) => onFiles(files, folderName))
      .finally(() => setReading(false));
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!disabled && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      onBrowse();
    }
  };

  return (
    <div
      className={`drop-zone${over ? ' drop-over' : ''}${disabled ? ' drop-disabled' : ''}`}
      data-testid={testId}
      role="button"
      tabIndex={disabled ? -1 : 0}
      aria-disabled={disabled}
      aria-label="Drop zone"
      onDragEnter={onDragOver}
      onDragOver={onDragOver}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      onClick={() => !disabled && onBrowse()}
      onKeyDown={onKey}
    >
      <svg className="drop-icon" viewBox="0 0 24 24" aria-hidden="true">
        <path d="M12 15V4m0 0-4 4m4-4 4 4" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
        <path d="M4 15v3a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-3" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
      </svg>
      <span className="drop-title">{reading ? 'Reading the dropped files…' : title}</span>
      <span className="drop-hint">{hint}</span>
    </div>
  );
}
