// What a prompt reads from the terminal. In raw mode Ctrl-C is a byte, not a signal, and
// enquirer's readline closes itself on it, after which enquirer's own clean-up throws
// ERR_USE_AFTER_CLOSE and the process dies mid-run. So the byte never reaches enquirer:
// it is taken out of the stream here and the prompt is cancelled as an interrupt instead.
import { PassThrough } from 'node:stream';

/** The terminal's input as the prompts need it (process.stdin in the real CLI). */
export interface TtyInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
}

const CTRL_C = 0x03;

interface GuardedInput {
  /** Give this to enquirer as `stdin`. */
  stream: NodeJS.ReadableStream;
  /** Stops reading the terminal (so the process can exit) and ends the stream. */
  dispose(): void;
}

export function guardInput(source: TtyInput, onCtrlC: () => void): GuardedInput {
  const stream = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode(mode: boolean) {
      source.setRawMode?.(mode);
      return stream;
    },
  });
  Object.defineProperty(stream, 'isRaw', { get: () => Boolean(source.isRaw) });
  const onData = (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const rest = bytes.includes(CTRL_C) ? Buffer.from(bytes.filter((b) => b !== CTRL_C)) : bytes;
    if (rest.length) stream.write(rest);
    if (rest.length !== bytes.length) onCtrlC();
  };
  source.on('data', onData);
  source.resume();
  return {
    stream,
    dispose() {
      source.off('data', onData);
      source.pause();
      stream.end();
    },
  };
}
