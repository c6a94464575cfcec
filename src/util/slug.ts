/** A file-name-safe form of a name: lower case, [a-z0-9-] only, at most 60 characters ('model' when nothing is left). */
export function slugOf(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'model';
}
