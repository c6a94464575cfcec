// A tiny deterministic stand-in for the Fashion-MNIST file contents, for the builtin-dataset tests.
import type { FashionMnistData } from '../../src/data/builtin/fashionMnist';

export function syntheticFashion(train: number, test: number, side = 4): FashionMnistData {
  const px = side * side;
  const split = (count: number, salt: number) => ({
    count,
    images: Uint8Array.from({ length: count * px }, (_, i) => (i * 31 + salt) & 255),
    labels: Uint8Array.from({ length: count }, (_, i) => (i + salt) % 10),
  });
  return { side, train: split(train, 0), test: split(test, 7) };
}
