import { randomBytes } from "node:crypto";

/** Time source in integer Unix seconds. Injected so lease tests can pin the clock. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Math.floor(Date.now() / 1000) };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private t: number = 1_800_000_000) {}
  now() {
    return this.t;
  }
  set(t: number) {
    this.t = t;
  }
  advance(seconds: number) {
    this.t += seconds;
  }
}

/** Id source: task ids are `t_` + 8 lowercase hex, random; the kernel retries on collision. */
export interface IdSource {
  taskId(): string;
}

export const randomIds: IdSource = { taskId: () => "t_" + randomBytes(4).toString("hex") };

/** Deterministic ids for tests (t_00000001, t_00000002, ...). */
export function sequentialIds(start = 1): IdSource {
  let n = start;
  return { taskId: () => "t_" + (n++).toString(16).padStart(8, "0") };
}
