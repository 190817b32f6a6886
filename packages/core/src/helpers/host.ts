/** A host name as it goes in a URL or `host:port`: an IPv6 address (it holds colons) in brackets. */
export function bracketIPv6(host: string): string {
  return host.includes(':') ? `[${host}]` : host
}

/** `host:port`, with IPv6 hosts in brackets. */
export function authority(host: string, port: number): string {
  return `${bracketIPv6(host)}:${port}`
}
