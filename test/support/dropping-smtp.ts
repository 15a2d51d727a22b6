/**
 * Test support: a scripted SMTP server for the failures smtp-server cannot stage, a connection that
 * breaks before or while the message goes out.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A scripted SMTP server on loopback that drops the connection at MAIL FROM, or once message content
 * arrives after its 354 reply to DATA: the two sides of "did any of the message go out".
 */
export async function droppingServer(dropAt: 'MAIL' | 'DATA-CONTENT') {
  const seen = { connections: 0, dataCommands: 0 };
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    seen.connections++;
    sockets.add(socket);
    let inData = false;
    socket.on('error', () => {});
    socket.write('220 fake ESMTP\r\n');
    socket.on('data', (chunk: Uint8Array) => {
      if (inData) return void socket.destroy();
      for (const line of Buffer.from(chunk).toString('latin1').split('\r\n').filter(Boolean)) {
        const verb = line.split(' ')[0]!.toUpperCase();
        if (verb === 'MAIL' && dropAt === 'MAIL') return void socket.destroy();
        if (verb === 'DATA') {
          seen.dataCommands++;
          inData = true;
        }
        socket.write(
          verb === 'DATA' ? '354 go ahead\r\n' : ['EHLO', 'MAIL', 'RCPT'].includes(verb) ? '250 OK\r\n' : '502 no\r\n',
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  };
  return { port: (server.address() as AddressInfo).port, seen, close };
}
