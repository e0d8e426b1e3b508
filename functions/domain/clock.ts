/** Where "now" comes from. The domain never reads the clock itself; callers pass the time in. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
