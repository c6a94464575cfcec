import { useState } from 'react';

export interface DeleteButtonProps {
  onDelete: () => void;
  disabled?: boolean;
  /** Shown on the Delete button (e.g. why it is disabled). */
  title?: string;
  /** Disables "Confirm delete" too (e.g. while the worker is not ready). */
  confirmDisabled?: boolean;
  /** Label while the deletion runs. */
  busyLabel?: string;
}

/** Delete that asks for a second click: "Confirm delete" or "Keep". */
export function DeleteButton({ onDelete, disabled, title, confirmDisabled, busyLabel }: DeleteButtonProps) {
  const [confirming, setConfirming] = useState(false);
  if (confirming) {
    return (
      <>
        <button
          type="button"
          className="btn btn-small btn-danger btn-danger-solid"
          disabled={confirmDisabled}
          onClick={() => {
            setConfirming(false);
            onDelete();
          }}
        >
          Confirm delete
        </button>
        <button type="button" className="btn btn-small" onClick={() => setConfirming(false)}>
          Keep
        </button>
      </>
    );
  }
  return (
    <button type="button" className="btn btn-small btn-danger" disabled={disabled} title={title} onClick={() => setConfirming(true)}>
      {busyLabel ?? 'Delete'}
    </button>
  );
}
