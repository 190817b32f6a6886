/**
 * Where a client is in its life. Held by the {@link Session} alone and changed only through its
 * named transitions (`attach()`, `connectFailed()`, `beginClosing()`, `closed()`...).
 */
export type SessionState = 'connecting' | 'connected' | 'reconnecting' | 'lost' | 'closing' | 'closed'
