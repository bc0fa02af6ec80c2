/**
 * Server clock minus this device's clock, in milliseconds, from an answer stamped with the
 * server's time: the server is taken to have answered halfway between sending and receiving.
 * Countdowns add it to the device's clock so they agree with the server's SLA times.
 */
export function serverClockOffsetMs(generatedAt: string, sentAt: number, receivedAt: number): number {
  return Date.parse(generatedAt) - (sentAt + receivedAt) / 2
}

/** Runs a request whose answer carries the server's `generated_at`; answers it with the clock offset it shows. */
export async function withServerClock<T extends { generated_at: string }>(request: () => Promise<T>): Promise<{ answer: T, clockOffsetMs: number }> {
  const sentAt = Date.now()
  const answer = await request()
  return { answer, clockOffsetMs: serverClockOffsetMs(answer.generated_at, sentAt, Date.now()) }
}
