import type Sharp from 'sharp';

let loading: Promise<typeof Sharp> | undefined;

/**
 * sharp, imported on first use. Loading its native library takes ≈ 0.3 s, which every program
 * importing @tensorkit/data paid at start-up — the news and speech CLIs and most tests included —
 * though only image reading and PNG writing need it.
 */
export function loadSharp(): Promise<typeof Sharp> {
  return (loading ??= import('sharp').then((m) => m.default));
}
