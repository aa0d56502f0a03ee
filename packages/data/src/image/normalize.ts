/** Mean and standard deviation of the MNIST training pixels in [0, 1] (the usual torchvision constants). */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

/**
 * (x − mean) / std. Scalars apply to every value; arrays give one mean/std per channel for
 * planar (CHW) data, whose channel count is the array length.
 */
export function normalizeImage(data: ArrayLike<number>, mean: number | readonly number[], std: number | readonly number[]): Float32Array {
  const means = typeof mean === 'number' ? [mean] : mean;
  const stds = typeof std === 'number' ? [std] : std;
  const channels = Math.max(means.length, stds.length);
  if ((means.length !== 1 && means.length !== channels) || (stds.length !== 1 && stds.length !== channels)) {
    throw new Error(`normalizeImage: mean and std give different channel counts (${means.length} vs ${stds.length})`);
  }
  if (data.length % channels !== 0) throw new Error(`normalizeImage: ${data.length} values do not split into ${channels} channels`);
  if (stds.some((s) => !(s > 0))) throw new Error('normalizeImage: std must be positive');
  const plane = data.length / channels;
  const out = new Float32Array(data.length);
  for (let c = 0; c < channels; c++) {
    const m = means[means.length === 1 ? 0 : c];
    const inv = 1 / stds[stds.length === 1 ? 0 : c];
    for (let i = c * plane; i < (c + 1) * plane; i++) out[i] = (data[i] - m) * inv;
  }
  return out;
}
