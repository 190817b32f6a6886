/** Median, quartiles and extremes of the rounds of one measurement. */
export interface Summary {
  median: number
  min: number
  max: number
  /** First and third quartiles (linear interpolation). */
  q1: number
  q3: number
  /** Every round, in the order measured. */
  rounds: number[]
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  const position = (sorted.length - 1) * q
  const low = Math.floor(position)
  const high = Math.ceil(position)
  const a = sorted[low] as number
  const b = sorted[high] as number
  return a + (b - a) * (position - low)
}

/** Summarises the values of several rounds. */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b)
  return {
    median: quantile(sorted, 0.5),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    rounds: [...values],
  }
}

/**
 * The median of `values[r] / base[r]` over the rounds where both were measured; undefined when
 * none was, or a base is (about) nothing, e.g. memory a library does not keep.
 */
export function pairedRatio(
  values: ReadonlyArray<number | null>,
  base: ReadonlyArray<number | null>,
): number | undefined {
  const ratios: number[] = []
  values.forEach((value, round) => {
    const against = base[round]
    if (value !== null && against !== null && against !== undefined && against > 0) {
      ratios.push(value / against)
    }
  })
  return ratios.length === 0 ? undefined : summarize(ratios).median
}

/** A compact number: 1.23M, 123k, 12.3k, 1.23k, 123, 12.3. */
export function compact(value: number): string {
  if (!Number.isFinite(value)) return '–'
  const abs = Math.abs(value)
  const digits = (scaled: number) =>
    scaled >= 100 ? scaled.toFixed(0) : scaled >= 10 ? scaled.toFixed(1) : scaled.toFixed(2)
  if (abs >= 1e6) return `${digits(value / 1e6)}M`
  if (abs >= 1e3) return `${digits(value / 1e3)}k`
  return digits(value)
}

/** Bytes as B, KiB or MiB. */
export function bytes(value: number): string {
  const abs = Math.abs(value)
  if (abs >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(1)} MiB`
  if (abs >= 1024) return `${(value / 1024).toFixed(1)} KiB`
  return `${Math.round(value)} B`
}

/**
 * Per round, the geometric mean of two measurements of the same contender (null where either is
 * missing): raw MQTT.js and its noise-control copy, as one reference with half the variance.
 */
export function pairedMean(
  first: ReadonlyArray<number | null>,
  second: ReadonlyArray<number | null>,
): Array<number | null> {
  return first.map((value, round) => {
    const other = second[round]
    return value === null || other === null || other === undefined ? null : Math.sqrt(value * other)
  })
}
