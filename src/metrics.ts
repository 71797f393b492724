// Prometheus metrics of one server instance, in a registry of its own.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by route and status (its _count counts requests)',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    refusedRequests: new Counter({
      name: 'http_requests_refused_total',
      help: 'Requests answered before routing and closed (not valid HTTP, headers too large, too slow), by code',
      labelNames: ['code'] as const,
      registers,
    }),
    openSockets: new Gauge({
      name: 'websocket_connections_open',
      help: 'Open WebSocket connections',
      registers,
    }),
    messagesStored: new Counter({
      name: 'chat_messages_stored_total',
      help: 'Messages stored (retries of a stored client_id not counted)',
      registers,
    }),
    deliveries: new Counter({
      name: 'chat_deliveries_total',
      help: 'Messages written to a receiving socket',
      registers,
    }),
    deliveryLatency: new Histogram({
      name: 'chat_delivery_latency_seconds',
      help: 'From a message being stored to it being written to the sockets of its room',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    slowConsumerCloses: new Counter({
      name: 'websocket_slow_consumer_closes_total',
      help: 'Connections closed with 1013 because they did not read fast enough',
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
