import { login, Session, type LoginMethod, type LoginOutcome, type SessionOptions } from '../src/index';
import { openSocket, type SocketOptions, type SocketTransport } from './transport';

export interface ConnectOptions extends SocketOptions, Omit<SessionOptions, 'onClose'> {
  user: string;
  password: string;
  loginMethod?: LoginMethod;
  onClose?: (error: Error) => void;
}

export interface Connection {
  session: Session;
  transport: SocketTransport;
  loginMethod: LoginOutcome;
}

/**
 * Connects, logs in and returns a ready session. The connect timeout covers TCP, TLS and login
 * together (engineering-notes §6.2: 10 s for connect).
 */
export async function connect(options: ConnectOptions): Promise<Connection> {
  const started = Date.now();
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const transport = await openSocket(options);
  const session = new Session(transport, options);
  try {
    const left = Math.max(1, connectTimeoutMs - (Date.now() - started));
    const loginMethod = await login(session, {
      user: options.user,
      password: options.password,
      method: options.loginMethod ?? 'auto',
      timeoutMs: left,
    });
    return { session, transport, loginMethod };
  } catch (e) {
    session.close();
    transport.destroy();
    throw e;
  }
}
