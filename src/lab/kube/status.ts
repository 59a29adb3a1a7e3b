// metav1.Status errors with the shapes and messages of the real API server
// (k8s.io/apimachinery/pkg/api/errors/errors.go: NewNotFound, NewAlreadyExists, NewConflict,
// NewInvalid, NewTooManyRequests, ...). Clients (kubectl, client-node, our adapter) print
// `message` verbatim and branch on `code`/`reason`, so both must match the real server.
import type { KubeObject } from './types.js';

interface StatusCause { reason?: string; message: string; field?: string }
interface StatusDetails { name?: string; group?: string; kind?: string; uid?: string; causes?: StatusCause[]; retryAfterSeconds?: number }
/** A group + resource (or kind) pair; `group` is '' for the core group. */
interface GroupResource { group: string; resource: string }

export class KubeStatusError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly status: KubeObject;

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'KubeStatusError';
    this.code = code;
    this.reason = reason;
    this.status = statusObject('Failure', code, reason, message, details);
  }
}

export function statusObject(status: 'Success' | 'Failure', code: number, reason: string, message: string, details?: StatusDetails): KubeObject {
  const out: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status };
  if (message) out.message = message;
  if (reason) out.reason = reason;
  if (details) out.details = details;
  if (code) out.code = code; // int32 with omitempty: a success Status from a delete carries none
  return out as unknown as KubeObject;
}

/** `pods`, `poddisruptionbudgets.policy`: schema.GroupResource.String(). */
function qualified(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

const details = (gr: GroupResource, name: string): StatusDetails => ({ name, ...(gr.group ? { group: gr.group } : {}), kind: gr.resource });

export function notFound(gr: GroupResource, name: string): KubeStatusError {
  return new KubeStatusError(404, 'NotFound', `${qualified(gr)} "${name}" not found`, details(gr, name));
}

export function alreadyExists(gr: GroupResource, name: string): KubeStatusError {
  return new KubeStatusError(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, details(gr, name));
}

/** The storage layer's optimistic-lock message (apiserver/pkg/registry/generic/registry: OptimisticLockErrorMsg). */
const OPTIMISTIC_LOCK_MESSAGE = 'the object has been modified; please apply your changes to the latest version and try again';

export function conflict(gr: GroupResource, name: string, why: string = OPTIMISTIC_LOCK_MESSAGE): KubeStatusError {
  return new KubeStatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, details(gr, name));
}

/** One field.Error: `Type` is what field.ErrorType.String() prints, `reason` its CauseType. */
export interface FieldError { field: string; type: FieldErrorType; detail: string; value?: unknown }
type FieldErrorType = 'Required value' | 'Forbidden' | 'Invalid value' | 'Unsupported value' | 'Duplicate value' | 'Too long';

const CAUSE: Record<FieldErrorType, string> = {
  'Required value': 'FieldValueRequired',
  Forbidden: 'FieldValueForbidden',
  'Invalid value': 'FieldValueInvalid',
  'Unsupported value': 'FieldValueNotSupported',
  'Duplicate value': 'FieldValueDuplicate',
  'Too long': 'FieldValueTooLong',
};

/** field.Error.ErrorBody(): `Invalid value: "x": detail`, `Forbidden: detail`, `Required value: detail`. */
function errorBody(e: FieldError): string {
  const value = e.type === 'Invalid value' || e.type === 'Unsupported value' || e.type === 'Duplicate value' ? `: ${JSON.stringify(e.value)}` : '';
  return `${e.type}${value}${e.detail ? `: ${e.detail}` : ''}`;
}

/** NewInvalid: 422, `PriorityClass.scheduling.k8s.io "x" is invalid: metadata.name: Forbidden: ...`. */
export function invalid(groupKind: { group: string; kind: string }, name: string, errs: FieldError[]): KubeStatusError {
  const texts = errs.map((e) => `${e.field}: ${errorBody(e)}`);
  // utilerrors.NewAggregate prints one error bare and several as `[a, b]`.
  const aggregate = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  const gk = groupKind.group ? `${groupKind.kind}.${groupKind.group}` : groupKind.kind;
  return new KubeStatusError(422, 'Invalid', `${gk} "${name}" is invalid: ${aggregate}`, {
    name,
    ...(groupKind.group ? { group: groupKind.group } : {}),
    kind: groupKind.kind,
    causes: errs.map((e) => ({ reason: CAUSE[e.type], message: errorBody(e), field: e.field })),
  });
}

export function badRequest(message: string): KubeStatusError {
  return new KubeStatusError(400, 'BadRequest', message);
}

export function tooManyRequests(message: string, retryAfterSeconds: number, causes: StatusCause[] = []): KubeStatusError {
  return new KubeStatusError(429, 'TooManyRequests', message, { ...(causes.length ? { causes } : {}), ...(retryAfterSeconds > 0 ? { retryAfterSeconds } : {}) });
}

export function unauthorized(): KubeStatusError {
  return new KubeStatusError(401, 'Unauthorized', 'Unauthorized');
}

export function methodNotSupported(gr: GroupResource, action: string): KubeStatusError {
  return new KubeStatusError(405, 'MethodNotAllowed', `${action} is not supported on resources of kind "${qualified(gr)}"`, { ...(gr.group ? { group: gr.group } : {}), kind: gr.resource });
}

export function unsupportedMediaType(contentType: string, accepted: string[]): KubeStatusError {
  return new KubeStatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`, { causes: [{ reason: 'UnexpectedHeader', message: contentType, field: 'Content-Type' }] });
}

export function internalError(message: string, code = 500): KubeStatusError {
  return new KubeStatusError(code, 'InternalError', message);
}

/** The page-not-found answer of the real server's NotFound handler (no details). */
export function pathNotFound(): KubeStatusError {
  return new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}
