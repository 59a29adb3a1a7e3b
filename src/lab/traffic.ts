// What a lab server was asked, counted where the client cannot hide it: TLS connections
// accepted and HTTP requests served. Tests and the bench compare a client's traffic against it.
import type { Server } from 'node:https';

export interface Traffic {
  connections: number;
  requests: number;
}

export function countTraffic(server: Server): Traffic {
  const traffic: Traffic = { connections: 0, requests: 0 };
  server.on('secureConnection', () => void traffic.connections++);
  server.on('request', () => void traffic.requests++);
  return traffic;
}
