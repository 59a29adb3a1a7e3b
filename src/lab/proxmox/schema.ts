// Parameter verification as PVE::JSONSchema::validate does it for API calls (pve-common
// PVE/JSONSchema.pm check_prop/check_type/check_object): every method has
// `additionalProperties => 0`, booleans are only '0'/'1', integers are checked for range, and
// every problem is reported per field in one 400 "Parameter verification failed.".
import { addError, paramError } from './errors.js';

export interface PropSpec {
  type: 'string' | 'integer' | 'boolean' | 'number';
  optional?: boolean;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  enum?: readonly string[];
  /** extra format check: returns an error text (PVE's `invalid format - ...`) or undefined */
  format?: (value: string) => string | undefined;
}

export type Schema = Record<string, PropSpec>;

const INTEGER = /^\s*[+-]?\d+\s*$/;
const NUMBER = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;
const UNKNOWN = 'property is not defined in schema and the schema does not allow additional properties';

/** PVE::JSONSchema::pve_verify_dns_name */
export function dnsName(value: string): string | undefined {
  const part = '([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)';
  return new RegExp(`^(${part}\\.)*${part}$`).test(value) ? undefined : 'value does not look like a valid DNS name\n';
}

/** A comma list of config keys (format pve-configid-list). */
export function configIdList(value: string): string | undefined {
  for (const id of value.split(/[,;\s]+/).filter(Boolean)) {
    if (!/^[a-z][a-z0-9_-]+$/i.test(id)) return `invalid configuration ID '${id}'\n`;
  }
  return undefined;
}

function checkOne(name: string, value: string, spec: PropSpec, errors: Record<string, string>): void {
  if (spec.type === 'boolean' && value !== '0' && value !== '1') {
    addError(errors, name, `type check ('boolean') failed - got '${value}'`);
    return;
  }
  if (spec.type === 'integer' && !INTEGER.test(value)) {
    addError(errors, name, `type check ('integer') failed - got '${value}'`);
    return;
  }
  if (spec.type === 'number' && !NUMBER.test(value)) {
    addError(errors, name, `type check ('number') failed - got '${value}'`);
    return;
  }
  if (spec.type === 'integer' || spec.type === 'number') {
    const n = Number(value);
    if (spec.maximum !== undefined && n > spec.maximum) addError(errors, name, `value must have a maximum value of ${spec.maximum}`);
    if (spec.minimum !== undefined && n < spec.minimum) addError(errors, name, `value must have a minimum value of ${spec.minimum}`);
    return;
  }
  if (spec.type === 'string') {
    if (spec.maxLength !== undefined && value.length > spec.maxLength) addError(errors, name, `value may only be ${spec.maxLength} characters long`);
    if (spec.enum && !spec.enum.includes(value)) addError(errors, name, `value '${value}' does not have a value in the enumeration '${spec.enum.join(', ')}'`);
    const bad = spec.format?.(value);
    if (bad) addError(errors, name, `invalid format - ${bad}`);
  }
}

/**
 * Validates `params` against `schema`; `extra` may accept keys by pattern (e.g. net0, scsi1).
 * Throws the 400 with every field's problem.
 */
export function validateParams(params: Record<string, string>, schema: Schema, extra?: (key: string) => PropSpec | undefined): void {
  const errors: Record<string, string> = {};
  for (const [name, spec] of Object.entries(schema)) {
    if (!spec.optional && params[name] === undefined) addError(errors, name, 'property is missing and it is not optional');
  }
  for (const [name, value] of Object.entries(params)) {
    const spec = schema[name] ?? extra?.(name);
    if (!spec) {
      addError(errors, name, UNKNOWN);
      continue;
    }
    checkOne(name, value, spec, errors);
  }
  if (Object.keys(errors).length > 0) throw paramError(errors);
}

/** get_standard_option('pve-vmid') */
export const VMID: PropSpec = { type: 'integer', minimum: 100, maximum: 999999999 };
/** get_standard_option('pve-node') */
export const NODE: PropSpec = { type: 'string', format: (v) => (/^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(v) ? undefined : `value does not look like a valid node name\n`) };
