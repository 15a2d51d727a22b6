/**
 * The relay-mail bench's figures in words (relay-mail.ts): throughput of both runs and their ratio, the
 * relay's latency with Little's law beside it, one sender's latency, the relay's memory and CPU per
 * message, and the machine's load, each next to its target.
 */
import { cpus, loadavg } from 'node:os';

/** How the run was set up, and what the sink and the emulator counted. */
export interface RunShape {
  readonly messages: number;
  readonly concurrency: number;
  /** The SMTP pool's connections (both runs). */
  readonly smtpPool: number;
  /** Messages of the one-sender run. */
  readonly serialMessages: number;
  /** How the relay child runs (relay-child.ts `relayEntry`). */
  readonly relayMode: string;
  readonly received: number;
  readonly graphLookups: number;
}

/** A run's elapsed time and per-message latencies (ms). */
interface Timed {
  readonly ms: number;
  readonly latencies: number[];
}

/** What one run measured (relay-mail.ts `measure`): the three runs, the relay's memory (MB), CPU per message (ms). */
export interface Measured {
  readonly direct: Timed;
  readonly relay: Timed;
  readonly serial: Timed;
  readonly idleMb: number;
  readonly sampledMb: number;
  readonly peakMb: number;
  readonly directCpu: number;
  readonly relayCpu: number;
  readonly senderCpu: number;
  readonly loadBefore: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/**
 * Little's law (L = λW): `concurrency` senders always in flight at throughput λ wait W = concurrency / λ on
 * average. The relay answers only once the SMTP server has accepted the message, so λ can never beat
 * nodemailer's own rate, and W is at least concurrency / direct rate; p99 is above the mean. At 80 % of the
 * direct rate (the throughput target) latencies stretch by 1 / 0.8, so that is the p99 one can ask for.
 */
function littlesLaw(concurrency: number, directRate: number, directP99: number): string {
  const floor = (concurrency / directRate) * 1000;
  const needed = (concurrency / 0.1).toFixed(0);
  return (
    `Little's law:      ${concurrency} in flight / ${directRate.toFixed(0)} msg/s direct => mean latency >= ${floor.toFixed(0)} ms for a synchronous relay; ` +
    `even a mean under 100 ms needs > ${needed} msg/s from nodemailer alone, so the reachable target here is p99 <= ${(directP99 / 0.8).toFixed(0)} ms (direct p99 / 0.8)`
  );
}

/** Prints the figures of a run of `shape`: rates, latencies, Little's law, memory, CPU, the machine. */
export function printReport(shape: RunShape, m: Measured): void {
  const { messages, concurrency, smtpPool, serialMessages } = shape;
  const ms = (xs: number[], p: number) =>
    `${percentile(
      [...xs].sort((a, b) => a - b),
      p,
    ).toFixed(1)} ms`;
  const directRate = (messages / m.direct.ms) * 1000;
  const relayRate = (messages / m.relay.ms) * 1000;
  console.log(
    `relay mail: ${messages} messages, ${concurrency} concurrent senders, SMTP pool of ${smtpPool} (loopback; relay as ${shape.relayMode})`,
  );
  console.log(
    `  nodemailer direct: ${directRate.toFixed(0)} messages/s (sendMail latency p50 ${ms(m.direct.latencies, 50)}, p99 ${ms(m.direct.latencies, 99)})`,
  );
  console.log(
    `  through the relay: ${relayRate.toFixed(0)} messages/s (ratio ${(relayRate / directRate).toFixed(2)}, target >= 0.8)`,
  );
  console.log(
    `  relay latency:     p50 ${ms(m.relay.latencies, 50)}, p99 ${ms(m.relay.latencies, 99)} (target p99 < 100 ms)`,
  );
  console.log(
    `  ${littlesLaw(
      concurrency,
      directRate,
      percentile(
        [...m.direct.latencies].sort((a, b) => a - b),
        99,
      ),
    )}`,
  );
  console.log(
    `  one sender:        p50 ${ms(m.serial.latencies, 50)}, p99 ${ms(m.serial.latencies, 99)} over ${serialMessages} messages`,
  );
  console.log(
    `  relay memory:      peak RSS ${m.peakMb.toFixed(1)} MB (VmHWM; idle ${m.idleMb.toFixed(1)} MB, sampled max ${m.sampledMb.toFixed(1)} MB; target < 150 MB)`,
  );
  console.log(
    `  CPU per message:   direct ${m.directCpu.toFixed(2)} ms (sender + sink); relay ${m.relayCpu.toFixed(2)} ms in the relay + ${m.senderCpu.toFixed(2)} ms in sender + sink`,
  );
  console.log(
    `  (machine: ${cpus().length} CPUs, load average ${m.loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after: rates are only comparable within one run)`,
  );
  console.log(
    `  SMTP sink received ${shape.received} messages; the relay made ${shape.graphLookups} Graph user lookups`,
  );
}
