// A one-line spinner for a terminal while something slow is read (plan's preflight against a
// slow or unreachable API): the person sees it is waiting and on what, not a silent prompt.
// Written to stderr and erased when done, so stdout stays exactly the command's output.

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Starts the spinner; the returned function stops it and erases its line. */
export function startSpinner(write: (text: string) => void, text: string, intervalMs = 100): () => void {
  let i = 0;
  const draw = () => write(`\r${FRAMES[i++ % FRAMES.length]} ${text}`);
  draw();
  const timer = setInterval(draw, intervalMs);
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    write('\r\x1b[2K');
  };
}
