/**
 * How many workflow tasks the local engine runs at once, and who goes first when all slots are taken. Without a
 * bound, a restart over 10,000 agreements started 10,000 catch-ups at once (each a chain of reads and writes on
 * DynamoDB Local and a send to the mail catcher): node grew to 3 GB and stopped answering HTTP for minutes. With
 * one, the other tasks wait in line, holding nothing but a promise.
 *
 * Two lines: a task caused by a person (a request to the API, a clock move) waits only behind other such tasks,
 * never behind the background's (the catch-up after a start, a timer firing, the reconciler). Each line is first
 * come, first served. A waiting task can be moved to the person's line (someone asked about that agreement) or
 * withdrawn (its run was ended), in constant time: such a waiter is only marked, and skipped when its turn comes.
 */

export type TaskLine = "person" | "background";

interface Waiter<Owner> {
  owner: Owner;
  line: TaskLine;
  done: boolean;
  grant(granted: boolean): void;
}

export class TaskSlots<Owner> {
  readonly #limit: number;
  #running = 0;
  readonly #lines: Record<TaskLine, Waiter<Owner>[]> = { person: [], background: [] };
  /** Index of the first waiter not yet taken, per line: shifting a 10,000-long array at every turn is quadratic. */
  readonly #heads: Record<TaskLine, number> = { person: 0, background: 0 };
  readonly #waiting = new Map<Owner, Waiter<Owner>>();

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`A task bound must be a whole number from 1, not ${limit}`);
    this.#limit = limit;
  }

  /**
   * Resolves true once the owner may run its task (it must `release` after), or false when it was withdrawn first.
   * An owner waits for one task at a time.
   */
  acquire(owner: Owner, line: TaskLine): Promise<boolean> {
    if (this.#running < this.#limit) {
      this.#running++;
      return Promise.resolve(true);
    }
    return new Promise((grant) => {
      const waiter: Waiter<Owner> = { owner, line, done: false, grant };
      this.#waiting.set(owner, waiter);
      this.#lines[line].push(waiter);
    });
  }

  release(): void {
    this.#running--;
    for (let waiter = this.#next(); waiter !== undefined; waiter = this.#next()) {
      this.#running++;
      waiter.grant(true);
    }
  }

  /** Moves the owner's waiting task, if any, to the end of the person's line. */
  promote(owner: Owner): void {
    const waiter = this.#waiting.get(owner);
    if (waiter === undefined || waiter.line === "person") return;
    waiter.done = true;
    const moved: Waiter<Owner> = { owner, line: "person", done: false, grant: waiter.grant };
    this.#waiting.set(owner, moved);
    this.#lines.person.push(moved);
  }

  /** Withdraws the owner's waiting task, if any: its `acquire` resolves false. */
  withdraw(owner: Owner): void {
    const waiter = this.#waiting.get(owner);
    if (waiter === undefined) return;
    this.#waiting.delete(owner);
    waiter.done = true;
    waiter.grant(false);
  }

  /** Tasks running and waiting now. */
  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.size };
  }

  /** The next live waiter while a slot is free, taken off its line; the person's line first. */
  #next(): Waiter<Owner> | undefined {
    if (this.#running >= this.#limit) return undefined;
    for (const line of ["person", "background"] as const) {
      const queue = this.#lines[line];
      while (this.#heads[line] < queue.length) {
        const waiter = queue[this.#heads[line]++]!;
        if (waiter.done) continue;
        waiter.done = true;
        this.#waiting.delete(waiter.owner);
        this.#compact(line);
        return waiter;
      }
      this.#compact(line);
    }
    return undefined;
  }

  /** Drops a line's taken waiters once they are most of it. */
  #compact(line: TaskLine): void {
    const head = this.#heads[line];
    if (head < 1_024 || head * 2 < this.#lines[line].length) return;
    this.#lines[line].splice(0, head);
    this.#heads[line] = 0;
  }
}
