// Hand-written typings for wav-decoder@1.3.0 (no @types package exists).
declare module 'wav-decoder' {
  export interface AudioData {
    sampleRate: number;
    numberOfChannels: number;
    length: number;
    channelData: Float32Array[];
  }

  export interface DecodeOptions {
    /** Scale by 2^(bits-1) for both signs instead of the default asymmetric scaling. */
    symmetric?: boolean;
  }

  /** Accepts an ArrayBuffer or a Node Buffer (pass the Buffer itself, not `buf.buffer`). */
  export type WavSource = ArrayBuffer | Buffer;

  interface Decode {
    (src: WavSource, opts?: DecodeOptions): Promise<AudioData>;
    sync(src: WavSource, opts?: DecodeOptions): AudioData;
  }

  export const decode: Decode;
  const WavDecoder: { decode: Decode };
  export default WavDecoder;
}
