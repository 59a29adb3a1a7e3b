// Errors the simulated API answers with, shaped like PVE's: a handler `die "text\n"` becomes
// 500 with the text as reason phrase (pve-manager PVE/HTTPServer.pm rest_handler);
// PVE::Exception::raise_param_exc gives 400 "Parameter verification failed." with per-field
// `errors` (pve-common PVE/Exception.pm). Messages keep PVE's trailing "\n" where it has one.

export class PveError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string>,
  ) {
    super(message);
    this.name = 'PveError';
  }
}

/** A handler's plain `die "...\n"`: HTTP 500 with the text. */
export function fail(message: string, status = 500): PveError {
  return new PveError(status, message.endsWith('\n') ? message : `${message}\n`);
}

/** PVE::Exception::raise_param_exc */
export function paramError(errors: Record<string, string>): PveError {
  return new PveError(400, 'Parameter verification failed.\n', errors);
}

/** Auth failures are answered by the HTTP layer itself: status line only, empty body
 * (pve-http-server PVE/APIServer/AnyEvent.pm, unauthorized branch). */
export class AuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthError';
  }
}

/** PVE::JSONSchema::add_error joins several messages for one field with a literal '\n'. */
export function addError(errors: Record<string, string>, field: string, msg: string): void {
  const key = field || '_root';
  errors[key] = errors[key] ? `${errors[key]}\\n${msg}` : msg;
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
