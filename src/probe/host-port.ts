/** `10.0.0.7:5432`, `[fd00::7]:5432`: the one spelling of an address and port that nc, wget's URLs and nslookup's server argument all read. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
