// A controller the test plays (kubelet, scheduler, Flux...): `tick` every `everyMs`, never two at
// once. The returned stop waits for a tick in flight, so nothing talks to a stopped apiserver;
// an error in a tick before stop surfaces as an unhandled rejection (vitest reports it).
export function playLoop(tick: () => Promise<void>, everyMs = 150): () => Promise<void> {
  let inFlight: Promise<void> | undefined;
  let stopped = false;
  const timer = setInterval(() => {
    if (inFlight || stopped) return;
    inFlight = tick()
      .catch((e: unknown) => {
        if (!stopped) throw e;
      })
      .finally(() => (inFlight = undefined));
  }, everyMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await inFlight?.catch(() => {});
  };
}
