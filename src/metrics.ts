import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus instruments for one running bodega; a fresh registry per instance so tests can run several. */
export interface Metrics {
  registry: Registry;
  /** Counts one HTTP answer and its duration (`bodega_http_requests_total`, `bodega_http_request_duration_seconds`). */
  httpAnswered(method: string, route: string, status: number, seconds: number): void;
  commands: Counter<'command' | 'platform' | 'outcome'>;
  commandDuration: Histogram<'command'>;
  jobRuns: Counter<'job' | 'status'>;
  outboxDepth: Gauge<'platform'>;
  consoleCommands: Counter<'command' | 'platform' | 'outcome'>;
}

export interface MetricsOptions {
  processMetrics?: boolean;
  /** Counts waiting outbox messages per platform; read on every scrape. */
  outboxDepth?: () => Promise<Array<{ platform: string; depth: number }>>;
  /** Commands that `bodega run` and `bodega chat` processes ran against this database, read on every scrape. */
  consoleCommands?: () => Promise<Array<{ command: string; platform: string; outcome: string; count: number }>>;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const httpRequests = new Counter({
    name: 'bodega_http_requests_total',
    help: 'HTTP requests answered, by method, matched route and status',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const httpDuration = new Histogram({
    name: 'bodega_http_request_duration_seconds',
    help: 'HTTP request duration by method and matched route',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  // Label sets built once per method, route and status: a third of what building them on every request costs.
  // Bounded: Node accepts only known methods, routes are the app's patterns, statuses a few dozen.
  const httpLabels = new Map<
    string,
    { request: { method: string; route: string; status: string }; duration: { method: string; route: string } }
  >();
  return {
    registry,
    httpAnswered(method, route, status, seconds) {
      const key = `${method} ${status} ${route}`;
      let labels = httpLabels.get(key);
      if (!labels) {
        labels = { request: { method, route, status: String(status) }, duration: { method, route } };
        httpLabels.set(key, labels);
      }
      httpRequests.inc(labels.request);
      httpDuration.observe(labels.duration, seconds);
    },
    commands: new Counter({
      name: 'bodega_commands_total',
      help: 'Chat commands handled, by command, platform and outcome',
      labelNames: ['command', 'platform', 'outcome'],
      registers,
    }),
    commandDuration: new Histogram({
      name: 'bodega_command_duration_seconds',
      help: 'Chat command handling time',
      labelNames: ['command'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    jobRuns: new Counter({
      name: 'bodega_job_runs_total',
      help: 'Scheduled job runs by job and final status',
      labelNames: ['job', 'status'],
      registers,
    }),
    outboxDepth: new Gauge({
      name: 'bodega_outbox_depth',
      help: 'Outbox messages waiting to be sent, by platform',
      labelNames: ['platform'],
      registers,
      async collect() {
        // A failed count keeps the last values rather than failing the whole scrape.
        const depths = await options.outboxDepth?.().catch(() => undefined);
        if (!depths) return;
        this.reset();
        for (const { platform, depth } of depths) this.set({ platform }, depth);
      },
    }),
    consoleCommands: new Counter({
      name: 'bodega_console_commands_total',
      help: 'Commands run through bodega run and bodega chat against this database, over all such processes',
      labelNames: ['command', 'platform', 'outcome'],
      registers,
      async collect() {
        const counts = await options.consoleCommands?.().catch(() => undefined);
        if (!counts) return;
        this.reset();
        for (const { count, ...labels } of counts) this.inc(labels, count);
      },
    }),
  };
}
