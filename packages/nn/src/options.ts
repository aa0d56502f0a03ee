/**
 * Refusal of unknown option keys. TypeScript catches a misspelt key only in a
 * fresh object literal; options built elsewhere (spread from a config file,
 * typed `any`, written PyTorch-style as `weight_decay`) would otherwise be
 * ignored and the default used without a word. The message and its "did you
 * mean" are core's, so core ops and nn layers answer alike.
 */

/** The known key a mistyped one most likely stands for (weight_decay → weightDecay): core's, for option checks and CLIs. */
export { closestKey } from '@tensorkit/core';

/** Every key of an options type, spelled out so the compiler keeps the runtime list in step with the type. */
export type OptionKeys<T> = { readonly [K in keyof Required<T>]: true };

/** Throws on a key outside the known ones, naming the function, the key and the closest known key: core's, shared with data. */
export { checkOptionKeys } from '@tensorkit/core';

/** How many buildModule calls are running: they check a config's keys themselves, naming the config's path. */
let buildingFromConfig = 0;

/** Runs `build` with the layer constructors' own option check off (see Module.checkOptions). */
export function whileBuildingFromConfig<T>(build: () => T): T {
  buildingFromConfig++;
  try {
    return build();
  } finally {
    buildingFromConfig--;
  }
}

export function isBuildingFromConfig(): boolean {
  return buildingFromConfig > 0;
}
