// The app's one list of errors (trainer, data worker, checkpoints, the UI itself), shown by the
// error banner. Every part reports here with a context ("worker", "data · import", …); capped.
import { create } from 'zustand';

export const ERRORS_CAP = 50;

export interface UiError {
  id: number;
  message: string;
  /** Where it happened: the command, phase or part of the app. */
  context: string;
  at: number;
}

export interface ErrorsState {
  errors: UiError[];
  addError: (message: string, context: string) => void;
  dismissError: (id: number) => void;
  clearErrors: () => void;
}

let nextId = 0;

export const useErrors = create<ErrorsState>()((set) => ({
  errors: [],
  addError: (message, context) =>
    set((s) => {
      const errors = [...s.errors, { id: ++nextId, message, context, at: Date.now() }];
      if (errors.length > ERRORS_CAP) errors.splice(0, errors.length - ERRORS_CAP);
      return { errors };
    }),
  dismissError: (id) => set((s) => ({ errors: s.errors.filter((e) => e.id !== id) })),
  clearErrors: () => set({ errors: [] }),
}));

/** Shorthand for non-React callers. */
export const reportError = (message: string, context: string): void => useErrors.getState().addError(message, context);
