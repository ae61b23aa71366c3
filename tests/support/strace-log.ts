/**
 * Reads an `strace -f -tt -yy -s N -o FILE` log of a server: its syscalls as events (a call that another
 * thread interrupted, logged as "<unfinished ...>" and later "<... name resumed>", is joined back into one
 * event with the line it started on and the line it ended on), and its HTTP exchanges (the read that brought
 * a request line in, the write that started its answer, on the same socket), so a test can ask what the
 * process did between reading a request and answering it.
 */

export interface SyscallEvent {
  pid: number;
  name: string;
  /** Everything between the parentheses (joined across the split lines). */
  args: string;
  /** The return value; null for "?" (interrupted, or the process died). */
  result: number | null;
  /** Line (0-based) where the call was entered and where it returned: the order strace saw them in. */
  startLine: number;
  endLine: number;
  /** From -yy: the first argument's file descriptor and what it is ("/path", "TCP:[a:1->b:2]", …). */
  fd?: number;
  target?: string;
  /** The first quoted string argument (data read or written, cut at -s), unescaped loosely. */
  data?: string;
}

export interface HttpExchange {
  /** The socket: "fd<TCP:[…]>" as strace shows it. */
  socket: string;
  method: string;
  /** As far as the -s cut shows it. */
  path: string;
  status: number;
  /** The read that brought the request line, and the last read on the socket before the answer. */
  requestLine: number;
  lastReadLine: number;
  /** The write that began the answer ("HTTP/1.1 …") was entered on this line. */
  responseLine: number;
}

const LINE = /^(?:(\d+)\s+)?(\d\d:\d\d:\d\d\.\d+)\s+(.*)$/;
const UNFINISHED = /^(\w+)\((.*) <unfinished \.\.\.>$/;
const RESUMED = /^<\.\.\. (\w+) resumed>(.*)$/;
// Greedy: the last ") = " is the return (quoted data may hold anything, the return text holds no " = ").
const COMPLETE = /^(\w+)\((.*)\)\s+=\s+(-?\d+|\?)(?:\s.*)?$/s;
const FD = /^(\d+)<(TCP:\[[^\]]*\]|TCPv6:\[[^\]]*\]|UDP:\[[^\]]*\]|[^>]*)>/;
const FIRST_STRING = /"((?:[^"\\]|\\.)*)"/;
const REQUEST_LINE = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (\S+)/;
const RESPONSE_LINE = /^HTTP\/1\.1 (\d{3})/;

function unescape(text: string): string {
  return text.replace(/\\(x[0-9a-f]{2}|[0-7]{1,3}|.)/gi, (_all, code: string) => {
    if (code === 'r') return '\r';
    if (code === 'n') return '\n';
    if (code === 't') return '\t';
    if (/^x/i.test(code)) return String.fromCharCode(parseInt(code.slice(1), 16));
    if (/^[0-7]+$/.test(code)) return String.fromCharCode(parseInt(code, 8));
    return code;
  });
}

function event(pid: number, name: string, argsAndResult: string, startLine: number, endLine: number): SyscallEvent | null {
  const complete = COMPLETE.exec(`${name}(${argsAndResult}`);
  if (!complete) return null;
  const args = complete[2]!;
  const result = complete[3] === '?' ? null : Number(complete[3]);
  const fd = FD.exec(args);
  const quoted = FIRST_STRING.exec(args);
  return {
    pid, name, args, result, startLine, endLine,
    ...(fd ? { fd: Number(fd[1]), target: fd[2]! } : {}),
    ...(quoted ? { data: unescape(quoted[1]!) } : {}),
  };
}

/** Every syscall in the log, in the order they returned. Lines that are not syscalls (signals, exits) are skipped. */
export function parseStraceLog(text: string): SyscallEvent[] {
  const events: SyscallEvent[] = [];
  // Per thread: the call it is inside of (a thread is in at most one syscall at a time).
  const pending = new Map<number, { name: string; args: string; line: number }>();
  text.split('\n').forEach((raw, index) => {
    const line = LINE.exec(raw.trimEnd());
    if (!line) return;
    const pid = Number(line[1] ?? 0);
    const body = line[3]!;
    const resumed = RESUMED.exec(body);
    if (resumed) {
      const started = pending.get(pid);
      pending.delete(pid);
      if (!started || started.name !== resumed[1]) return;
      const joined = event(pid, started.name, started.args + resumed[2]!, started.line, index);
      if (joined) events.push(joined);
      return;
    }
    const unfinished = UNFINISHED.exec(body);
    if (unfinished) {
      pending.set(pid, { name: unfinished[1]!, args: unfinished[2]!, line: index });
      return;
    }
    const name = /^(\w+)\(/.exec(body)?.[1];
    if (!name) return;
    const whole = event(pid, name, body.slice(name.length + 1), index, index);
    if (whole) events.push(whole);
  });
  return events.sort((a, b) => a.endLine - b.endLine);
}

/**
 * The HTTP/1.1 exchanges on the server's TCP sockets: per socket, answers pair with requests in order
 * (HTTP/1.1 answers in order on a connection). A read that begins with a request line starts a request;
 * a write/writev whose data begins "HTTP/1.1 NNN" starts its answer.
 */
export function httpExchanges(events: readonly SyscallEvent[]): HttpExchange[] {
  const sockets = new Map<string, { requests: { method: string; path: string; line: number }[]; lastRead: number }>();
  const exchanges: HttpExchange[] = [];
  // In the order the calls were entered: a write's start is what matters for "before the answer".
  const byStart = [...events].sort((a, b) => a.startLine - b.startLine);
  // Reads count when they returned (the data is there only then): a read is placed at its end line.
  const timeline: { line: number; kind: 'read' | 'write'; event: SyscallEvent }[] = [];
  for (const e of byStart) {
    if (!e.target?.startsWith('TCP') || e.data === undefined || e.result === null || e.result <= 0) continue;
    if (e.name === 'read' || e.name === 'recvfrom') timeline.push({ line: e.endLine, kind: 'read', event: e });
    else if (e.name === 'write' || e.name === 'writev' || e.name === 'sendto') timeline.push({ line: e.startLine, kind: 'write', event: e });
  }
  timeline.sort((a, b) => a.line - b.line);
  for (const { line, kind, event: e } of timeline) {
    const socket = `${e.fd}<${e.target}>`;
    let state = sockets.get(socket);
    if (!state) sockets.set(socket, (state = { requests: [], lastRead: -1 }));
    if (kind === 'read') {
      state.lastRead = line;
      const request = REQUEST_LINE.exec(e.data!);
      if (request) state.requests.push({ method: request[1]!, path: request[2]!, line });
      continue;
    }
    const response = RESPONSE_LINE.exec(e.data!);
    if (!response) continue;
    const request = state.requests.shift();
    if (!request) continue;
    exchanges.push({
      socket, method: request.method, path: request.path, status: Number(response[1]),
      requestLine: request.line, lastReadLine: state.lastRead, responseLine: line,
    });
  }
  return exchanges;
}

/** fsync/fdatasync calls that succeeded, were entered after the request was read and returned before the answer began. */
export function syncsDuring(events: readonly SyscallEvent[], exchange: HttpExchange): SyscallEvent[] {
  return events.filter((e) =>
    (e.name === 'fsync' || e.name === 'fdatasync') && e.result === 0
    && e.startLine > exchange.lastReadLine && e.endLine < exchange.responseLine);
}
