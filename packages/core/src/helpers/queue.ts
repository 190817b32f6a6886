/**
 * Whether a queue read from `head` (slots before it already taken) is worth compacting with
 * `queue.slice(head)`: once the taken slots outnumber the queued ones, and more than 1024 of them
 * (copying a short queue often costs more than the slots it frees).
 */
export function worthCompacting(head: number, length: number): boolean {
  return head > 1024 && head * 2 > length
}
