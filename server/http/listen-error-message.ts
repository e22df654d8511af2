// Why the server could not start listening, in words that say what to do instead, for the errors
// a person causes by their choice of PORT or HOST. null for anything else (a genuine bug).
export function listenErrorMessage(error: unknown, where: { port: number; host: string }): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  const other = where.port > 0 && where.port < 65535 ? where.port + 1 : 4874;
  const choose = `Choose another port: PORT=${other} npm run serve — or PORT=0 for any free port.`;
  switch (code) {
    case 'EADDRINUSE':
      return `Meterdesk cannot start: port ${where.port} on ${where.host} is already in use (another Meterdesk or another program is listening there).\n${choose}`;
    case 'EACCES':
      return `Meterdesk cannot start: this user may not listen on port ${where.port} on ${where.host} (ports below 1024 need administrator rights on most systems).\n${choose}`;
    case 'EADDRNOTAVAIL':
      return `Meterdesk cannot start: HOST=${where.host} is not an address of this machine.\nLeave HOST unset to serve on 127.0.0.1, or set it to one of this machine's addresses.`;
    default:
      return null;
  }
}
