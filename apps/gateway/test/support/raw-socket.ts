import net from 'node:net';

/**
 * Sends a request's headers and only the start of the body its Content-Length promises, and returns
 * the first bytes answered within `ms` ('' if none): an answer proves the server did not wait for the body.
 */
export function answerBeforeBody(url: string, head: string, ms: number): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(`${head}\r\n{"model":"`));
    const timer = setTimeout(() => finish(''), ms);
    const finish = (answer: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    socket.setEncoding('utf8');
    socket.once('data', finish);
    socket.on('error', () => finish(''));
  });
}
