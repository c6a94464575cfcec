// Shapes world: the built-in synthetic dataset (coloured shapes in quadrants with captions).
export * from './attributes';
export * from './scene';
export * from './rasterize';
export * from './captions';
export * from './generate';
