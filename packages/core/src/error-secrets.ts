/**
 * Keeps credentials out of errors. Errors thrown by the libraries under us may carry the options
 * they were given (the `socks` library's `SocksClientError` holds `options.proxy.password`), and
 * servers may quote our request back (an HTTP proxy's status text). What reaches the user, their
 * logger or `util.inspect` goes through here first.
 */

/** What stands in for a secret. */
export const redactedText = '[redacted]'

/** Secrets shorter than this are not searched for in text: they would match ordinary words. */
const shortest = 4

/** `Basic`/`Bearer` (or other scheme) tokens, as echoed from an Authorization header. */
const authTokens = /\b(Basic|Bearer|Digest|Negotiate|NTLM)\s+[^\s,;)"']+/gi

/** Every form a user name/password pair may be seen in: as is, `user:pass`, and base64 (HTTP Basic). */
export function credentialForms(username: string | undefined, password: string | undefined): string[] {
  if (password === undefined || password === '') return []
  const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64')
  const forms = [password, base64(password)]
  if (username !== undefined) forms.push(`${username}:${password}`, base64(`${username}:${password}`))
  return forms
}

/** `text` with every secret (and any HTTP auth token) replaced by `[redacted]`. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text.replace(authTokens, (_match, scheme: string) => `${scheme} ${redactedText}`)
  for (const secret of secrets) {
    if (secret.length >= shortest) out = out.split(secret).join(redactedText)
  }
  return out
}

/**
 * Text a server sent (an HTTP status line) made fit to quote in an error: printable ASCII only,
 * secrets and auth tokens redacted, at most `max` characters.
 */
export function serverText(text: string | undefined, secrets: readonly string[], max = 80): string {
  if (text === undefined) return ''
  const printable = redactText(text.replace(/[^\x20-\x7e]/g, '?'), secrets)
  return printable.length > max ? `${printable.slice(0, max)}…` : printable
}

/** Fields of an error that carry no object and are safe to keep (once redacted). */
const keptFields = ['code', 'errno', 'syscall', 'address', 'port', 'reasonCode'] as const

/**
 * A copy of `error` safe to keep as a `cause`: its name, message and stack redacted, the plain
 * fields that explain it (`code`, `errno`, `syscall`, `address`, `port`, `reasonCode`) and its own
 * cause, copied the same way; any other field (options, sockets, requests) is left behind.
 */
export function safeCause(error: unknown, secrets: readonly string[], depth = 0): Error {
  if (!(error instanceof Error)) return new Error(redactText(String(error), secrets))
  const cause =
    error.cause === undefined || depth >= 8 ? undefined : safeCause(error.cause, secrets, depth + 1)
  const copy = new Error(redactText(error.message, secrets), cause === undefined ? undefined : { cause })
  Object.defineProperty(copy, 'name', { value: error.name, enumerable: false, configurable: true })
  copy.stack = redactText(error.stack ?? `${error.name}: ${error.message}`, secrets)
  const fields = error as unknown as Record<string, unknown>
  const target = copy as unknown as Record<string, unknown>
  for (const field of keptFields) {
    const value = fields[field]
    if (typeof value === 'number') target[field] = value
    else if (typeof value === 'string') target[field] = redactText(value, secrets)
  }
  return copy
}
