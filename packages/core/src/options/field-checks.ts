import { describeValue as describe } from '../errors/describe-value.js'
import { MqttValidationError } from '../errors/errors.js'

// The small checks of option fields shared by the option validators: each throws an
// MqttValidationError naming the field (and never quotes a secret's value).

export function fail(field: string, message: string): never {
  throw new MqttValidationError(`${field} ${message}`, field)
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function integer(value: unknown, field: string, min: number, max: number): void {
  if (value === undefined) return
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(field, `must be an integer from ${min} to ${max}, not ${describe(value)}`)
  }
}

export function boolean(value: unknown, field: string): void {
  if (value !== undefined && typeof value !== 'boolean')
    fail(field, `must be a boolean, not ${describe(value)}`)
}

export function string(value: unknown, field: string, { nonEmpty = false, secret = false } = {}): void {
  if (value === undefined) return
  if (typeof value !== 'string') fail(field, `must be a string, not ${secret ? 'that' : describe(value)}`)
  if (nonEmpty && value === '') fail(field, 'must not be empty')
}

export function oneOf(value: unknown, field: string, allowed: readonly unknown[]): void {
  if (value !== undefined && !allowed.includes(value)) {
    fail(field, `must be one of ${allowed.map(describe).join(', ')}, not ${describe(value)}`)
  }
}

export function bytesOrString(value: unknown, field: string, secret = false): void {
  if (value !== undefined && typeof value !== 'string' && !(value instanceof Uint8Array)) {
    fail(field, `must be a string or a Uint8Array, not ${secret ? 'that' : describe(value)}`)
  }
}
