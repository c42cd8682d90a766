import { STATUS_CODES } from 'node:http';
import { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, problemType } from './problem';

/** What Node's HTTP parser refuses before any middleware runs, as Node itself would answer. */
const PARSER_PROBLEMS: Record<string, { status: number; code: string; detail: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'request-header-too-large',
    detail: 'The request line or headers are too large (a path of many kilobytes?).',
  },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: {
    status: 413,
    code: 'payload-too-large',
    detail: 'The chunk extensions of the request are too large.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: 'request-timeout',
    detail: 'The request was not received in time.',
  },
};

const MALFORMED = {
  status: 400,
  code: 'malformed-request',
  detail: 'The request is not well-formed HTTP.',
};

/**
 * Node's 'clientError' listener: a request its parser refuses (a URL over the header size limit,
 * malformed HTTP) never reaches the application, and Node would answer with an empty body. This
 * answers it as problem+json like every other error, on the same terms as Node's own handler:
 * only when nothing of a response was written yet on the socket, which is then closed.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code !== 'ECONNRESET' && socket.writable && inFlight?.headersSent !== true) {
    const { status, code, detail } = PARSER_PROBLEMS[error.code ?? ''] ?? MALFORMED;
    const problem: ProblemDetails = {
      type: problemType(code),
      title: STATUS_CODES[status] ?? 'Bad request',
      status,
      detail,
      code,
    };
    const body = JSON.stringify(problem);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Cache-Control: no-store\r\n' +
        'X-Content-Type-Options: nosniff\r\n' +
        `Connection: close\r\n\r\n${body}`,
    );
    return;
  }
  socket.destroy();
}
