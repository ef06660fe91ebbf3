// A gateway stand-in on the fake's own port, just complete enough for discord.js: HELLO, IDENTIFY checked against
// the bot token (4004 otherwise), READY with the session, resume URL, user and application, heartbeats ACKed, and
// INTERACTION_CREATE dispatched to one identified session (Discord sends each event to one session of a bot).
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { FakeState } from './state.ts';

export interface GatewaySession {
  id: string;
  socket: WebSocket;
  sequence: number;
  identified: boolean;
  closed: boolean;
}

const HEARTBEAT_MS = 41_250;

export function createGateway(state: FakeState, server: Server, baseUrl: () => string) {
  const wss = new WebSocketServer({ noServer: true });
  const sessions: GatewaySession[] = [];
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!request.url?.startsWith('/gateway')) return socket.destroy();
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws));
  });

  function send(session: GatewaySession, packet: Record<string, unknown>) {
    if (!session.closed) session.socket.send(JSON.stringify(packet));
  }
  function dispatch(session: GatewaySession, t: string, d: unknown) {
    session.sequence++;
    send(session, { op: 0, s: session.sequence, t, d });
  }

  function accept(socket: WebSocket) {
    const session: GatewaySession = {
      id: `session-${sessions.length + 1}-${Date.now().toString(36)}`,
      socket,
      sequence: 0,
      identified: false,
      closed: false,
    };
    sessions.push(session);
    socket.on('close', () => {
      session.closed = true;
      state.version++;
    });
    socket.on('message', (raw) => onPacket(session, JSON.parse(String(raw)) as { op: number; d: unknown }));
    send(session, { op: 10, d: { heartbeat_interval: HEARTBEAT_MS }, s: null, t: null });
  }

  function onPacket(session: GatewaySession, packet: { op: number; d: unknown }) {
    if (packet.op === 1) return send(session, { op: 11, d: null, s: null, t: null });
    if (packet.op !== 2) return;
    const identify = packet.d as { token?: string };
    if (identify.token !== state.botToken && identify.token !== `Bot ${state.botToken}`)
      return session.socket.close(4004, 'Authentication failed.');
    session.identified = true;
    state.version++;
    dispatch(session, 'READY', {
      v: 10,
      user: { ...state.bot, verified: true, mfa_enabled: false, flags: 0 },
      guilds: [],
      session_id: session.id,
      resume_gateway_url: baseUrl(),
      shard: [0, 1],
      application: { id: state.applicationId, flags: 0 },
    });
  }

  const live = () => sessions.filter((session) => session.identified && !session.closed);
  return {
    /** Identified sessions still open: how many bodega instances hold the gateway. */
    live,
    /** Sends an interaction to the one live session; throws when none is connected. */
    deliver(interaction: unknown) {
      const session = live()[0];
      if (!session) throw new Error('fake discord: no gateway session to deliver to');
      dispatch(session, 'INTERACTION_CREATE', interaction);
    },
    close() {
      for (const session of sessions) session.socket.terminate();
      wss.close();
    },
  };
}
