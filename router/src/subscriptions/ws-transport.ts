// graphql-ws's protocol server (`makeServer`, its public API for any WebSocket library) on `ws` sockets, kept
// small per socket: the router holds thousands of idle sockets, and what each one costs is what a dashboard
// fleet costs. Compared with graphql-ws's own `useServer` adapter (graphql-ws/use/ws), per socket:
//  - the upgrade request (IncomingMessage, its header strings) is not kept: the router reads what it needs
//    (client IP, user agent) at the upgrade;
//  - no keepalive interval and pong timer per socket: ONE sweep pings every socket each keepalive period and
//    terminates those that did not answer the previous ping (the pattern `ws`'s README recommends);
//  - the transport is an object with methods on its prototype, not four closures; the `ws` listeners that do
//    not need per-socket state are shared functions.
// The connection_init timeout is the caller's (index.ts: a timer released once the socket is initialised).
import { CloseCode, makeServer, type ServerOptions, type WebSocket as ProtocolSocket } from "graphql-ws";
import type { WebSocket } from "ws";
import type { Logger } from "#kernel/logger.js";

/** What graphql-ws's context carries for each socket (`ctx.extra`). */
export interface SocketExtra {
  readonly socket: WebSocket;
}

type ProtocolServer = ReturnType<typeof makeServer<Record<string, unknown> | undefined, SocketExtra>>;

/** One socket as graphql-ws's protocol server sees it; also its `ctx.extra`. */
class Transport implements ProtocolSocket, SocketExtra {
  constructor(
    readonly socket: WebSocket,
    private readonly log: Logger,
  ) {}

  get protocol() {
    return this.socket.protocol;
  }

  send(data: string): Promise<void> {
    const socket = this.socket;
    return new Promise((resolve, reject) => {
      if (socket.readyState !== socket.OPEN) return resolve();
      socket.send(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(code: number, reason: string) {
    this.socket.close(code, reason);
  }

  onMessage(handle: (data: string) => Promise<void>) {
    const log = this.log;
    const socket = this.socket;
    socket.on("message", (data) => {
      handle(String(data)).catch((failure: unknown) => {
        log.error({ err: failure }, "graphql-ws message handling failed");
        socket.close(CloseCode.InternalServerError, "Internal server error");
      });
    });
  }
}

/** Liveness of each socket between two keepalive sweeps (a socket absent here answered its last ping). */
const awaitingPong = new WeakSet<WebSocket>();

function onPong(this: WebSocket) {
  awaitingPong.delete(this);
}

export interface GraphqlWsServer {
  /** Serves graphql-ws on an accepted socket; returns what to call when the socket closes. */
  open(socket: WebSocket): (code: number, reason: string) => void;
  /** One keepalive sweep over `sockets`: ping each, terminate those that did not answer the previous one. */
  sweep(sockets: Iterable<WebSocket>): void;
}

export function graphqlWsServer(options: ServerOptions<Record<string, unknown> | undefined, SocketExtra>, log: Logger): GraphqlWsServer {
  // The connection_init timeout is armed and released by the caller (graphql-ws would keep a timer per socket).
  const server: ProtocolServer = makeServer({ ...options, connectionInitWaitTimeout: Infinity });
  const onError = function (this: WebSocket, failure: Error) {
    log.warn({ err: failure.message }, "graphql-ws socket error");
    this.close(CloseCode.InternalServerError, "Internal server error");
  };
  return {
    open(socket) {
      socket.once("error", onError);
      socket.on("pong", onPong);
      const transport = new Transport(socket, log);
      return server.opened(transport, transport);
    },
    sweep(sockets) {
      for (const socket of sockets) {
        if (socket.readyState !== socket.OPEN) continue;
        if (awaitingPong.has(socket)) {
          socket.terminate();
          continue;
        }
        awaitingPong.add(socket);
        socket.ping();
      }
    },
  };
}
