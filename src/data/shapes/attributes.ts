// Attribute vocabulary of the Shapes world: colours, shapes, sizes and positions.
// Every name starts with a consonant, so "a {colour} {shape}" is always grammatical.

export const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple', 'cyan', 'white'] as const;
export type Colour = (typeof COLOURS)[number];

/** Palette (sRGB 0–255). Far apart from each other and from the dark-grey background. */
export const COLOUR_RGB: Readonly<Record<Colour, readonly [number, number, number]>> = {
  red: [220, 40, 40],
  green: [40, 190, 60],
  blue: [50, 100, 240],
  yellow: [240, 220, 40],
  purple: [160, 60, 210],
  cyan: [40, 210, 220],
  white: [240, 240, 240],
};

export const SHAPES = ['circle', 'square', 'triangle', 'star', 'cross', 'heart'] as const;
export type Shape = (typeof SHAPES)[number];

export const SIZES = ['small', 'large'] as const;
export type Size = (typeof SIZES)[number];

/** Object bounding-box side as a fraction of the image side (32 px → small 10 px, large 14 px; 48 → 14/21; 64 → 19/28). */
export const SIZE_FRACTION: Readonly<Record<Size, number>> = {
  small: 0.3,
  large: 0.44,
};

export const POSITIONS = ['top left', 'top right', 'bottom left', 'bottom right'] as const;
export type Position = (typeof POSITIONS)[number];

/** Quadrant of each position as (column, row) in {0, 1}. */
export const POSITION_QUADRANT: Readonly<Record<Position, readonly [number, number]>> = {
  'top left': [0, 0],
  'top right': [1, 0],
  'bottom left': [0, 1],
  'bottom right': [1, 1],
};

export function isColour(s: string): s is Colour {
  return (COLOURS as readonly string[]).includes(s);
}
export function isShape(s: string): s is Shape {
  return (SHAPES as readonly string[]).includes(s);
}
