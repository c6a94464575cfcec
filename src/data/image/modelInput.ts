// A stored image as a model's input: the S×S RGB bytes a dataset keeps, resized to the model's input
// size when it differs (bilinear, half-pixel centres; a 32-px store for a 224-px CLIP, a 256-px store
// for a 32-px model) or cropped (training augmentation), and normalised with the model's own mean
// and std: x = (rgb/255 − mean)/std = rgb·scale + bias, scale = 1/(255·std), bias = −mean/std.
import { IMAGE_MEAN, IMAGE_STD } from '../batch';
import type { ModelConfig } from '../../model/config';
import { cropResizeInto, type CropRect } from './augment';

export interface ModelImageInput {
  /** Side of the model's input. */
  size: number;
  scale: readonly number[];
  bias: readonly number[];
}

export function modelImageInput(model: Pick<ModelConfig, 'image' | 'imageMean' | 'imageStd'>): ModelImageInput {
  const mean = model.imageMean ?? IMAGE_MEAN;
  const std = model.imageStd ?? IMAGE_STD;
  return { size: model.image.imageSize, scale: std.map((s) => 1 / (255 * s)), bias: mean.map((m, c) => -m / std[c]!) };
}

/** The app's own input at `size` (mean = std = 0.5 per channel). */
export const appImageInput = (size: number): ModelImageInput => modelImageInput({ image: { imageSize: size } as ModelConfig['image'] });

/**
 * Writes the S×S image at src[srcOffset…] as `input` into out[outOffset…] (input.size² · 3 floats):
 * the whole image, or `rect` of it, resized when the sizes differ.
 */
export function writeModelInput(src: Uint8Array, srcOffset: number, S: number, input: ModelImageInput, out: Float32Array, outOffset: number, rect?: CropRect): void {
  const { size, scale, bias } = input;
  if (!rect && size === S) {
    for (let i = 0, n = S * S * 3; i < n; i++) {
      const c = i % 3;
      out[outOffset + i] = src[srcOffset + i]! * scale[c]! + bias[c]!;
    }
    return;
  }
  cropResizeInto(src, srcOffset, S, rect ?? { x: 0, y: 0, side: S }, out, outOffset, scale, bias, size);
}
