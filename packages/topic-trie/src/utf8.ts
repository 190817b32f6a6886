/**
 * The most UTF-8 bytes an MQTT string may hold (section 1.5.4: a two-byte length prefix).
 * @example new TextEncoder().encode(topic).length <= maxStringBytes
 */
export const maxStringBytes = 65_535

/**
 * What section 1.5.4 forbids in a UTF-8 encoded string (`null-character`, `lone-surrogate`,
 * `too-long`), and, under `strict`, what it says a string SHOULD NOT hold and brokers such as
 * mosquitto refuse as malformed (closing the connection): `control-character` (U+0001–U+001F,
 * U+007F–U+009F) and `non-character` (U+FDD0–U+FDEF and the last two code points of every plane,
 * e.g. U+FFFE, U+FFFF, U+1FFFF).
 */
export type StringRule =
  | 'null-character'
  | 'lone-surrogate'
  | 'too-long'
  | 'control-character'
  | 'non-character'

/** Why a string cannot go into an MQTT packet: the rule and a readable reason. */
export interface StringProblem {
  readonly rule: StringRule
  /** e.g. `contains the control character U+0001 at index 3`. */
  readonly reason: string
}

/** Options of {@link mqttStringProblem}. */
export interface StringCheckOptions {
  /**
   * Also refuse control characters and non-characters (what mosquitto refuses as malformed UTF-8).
   * @default false
   */
  strict?: boolean
}

const hasIsWellFormed = typeof ''.isWellFormed === 'function'

/**
 * Control characters, BMP non-characters, and surrogate pairs encoding U+nFFFE/U+nFFFF (the high
 * surrogates of each plane's last block, followed by DFFE or DFFF). One regular expression: V8 scans
 * it far faster than a loop over char codes.
 */
const strictForbidden =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is its job
  /[\u0001-\u001f\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff]|[\ud83f\ud87f\ud8bf\ud8ff\ud93f\ud97f\ud9bf\ud9ff\uda3f\uda7f\udabf\udaff\udb3f\udb7f\udbbf\udbff][\udffe\udfff]/

function codePointName(value: string, index: number): string {
  const point = value.codePointAt(index) ?? 0
  return `U+${point.toString(16).toUpperCase().padStart(4, '0')}`
}

/**
 * How many bytes `value` takes in UTF-8; -1 when it holds a lone surrogate (it has no UTF-8 form).
 * Never allocates.
 * @example utf8ByteLength('🙂/a') // 6
 */
export function utf8ByteLength(value: string): number {
  let bytes = 0
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code < 0xd800 || code > 0xdfff) bytes += 3
    else {
      const next = value.charCodeAt(index + 1)
      if (code > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return -1
      bytes += 4
      index++
    }
  }
  return bytes
}

/**
 * Checks a string against the MQTT rules for UTF-8 encoded strings (section 1.5.4): no U+0000, no
 * lone surrogate, at most 65,535 UTF-8 bytes; with `strict`, no control character and no
 * non-character either. Returns the first problem found, or undefined when the string is fine.
 * An empty string is fine here (whether a field may be empty is the field's rule).
 * @example
 * mqttStringProblem('a\u0001b', { strict: true }) // { rule: 'control-character', reason: '...' }
 * mqttStringProblem('a\u0001b') // undefined: allowed by the specification's MUST rules
 */
export function mqttStringProblem(
  value: string,
  { strict = false }: StringCheckOptions = {},
): StringProblem | undefined {
  const nul = value.indexOf('\u0000')
  if (nul !== -1) return { rule: 'null-character', reason: `contains U+0000 at index ${nul}` }
  // Each UTF-16 code unit takes at most 3 UTF-8 bytes: short strings need no counting.
  const bytes = !hasIsWellFormed || value.length * 3 > maxStringBytes ? utf8ByteLength(value) : 0
  if (bytes === -1 || (hasIsWellFormed && !value.isWellFormed())) {
    return { rule: 'lone-surrogate', reason: 'is not well-formed UTF-16 (it holds a lone surrogate)' }
  }
  if (bytes > maxStringBytes) {
    return { rule: 'too-long', reason: `takes ${bytes} UTF-8 bytes, more than ${maxStringBytes}` }
  }
  if (!strict) return undefined
  const found = strictForbidden.exec(value)
  if (found === null) return undefined
  const code = value.charCodeAt(found.index)
  const control = code <= 0x9f
  return {
    rule: control ? 'control-character' : 'non-character',
    reason: `contains the ${control ? 'control character' : 'non-character'} ${codePointName(value, found.index)} at index ${found.index}`,
  }
}
