// An HTTP proxy in front of the mail catcher that can make sends fail, the two ways SES sends fail: it refuses them
// (throttling, which surely sent nothing), or it forwards them and then loses the answer (the connection drops after
// the catcher took the email, so the sender cannot know). The real SES client and the real catcher, with a real
// failure in between.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type SendFailure = "throttle" | "lose-answer";

export interface FailingProxy {
  readonly url: string;
  /** Where requests go when they are not refused. */
  target: string;
  /** Makes the next `count` sends fail as `how` says. */
  failNextSends(count: number, how?: SendFailure): void;
  /**
   * From now on fails `rate` of the sends (0 to 1): `loseAnswerShare` of those by losing the answer, the others
   * throttled; `random` decides (Math.random when left out).
   */
  failRandomly(options: { rate: number; loseAnswerShare: number; random?: () => number }): void;
  /** The sends failed so far, each way. */
  readonly failed: Record<SendFailure, number>;
  close(): Promise<void>;
}

const SEND_PATH = "/v2/email/outbound-emails";

export async function startFailingProxy(): Promise<FailingProxy> {
  let failures = 0;
  let failure: SendFailure = "throttle";
  let randomly: { rate: number; loseAnswerShare: number; random: () => number } | null = null;
  let target = "";
  const failed: Record<SendFailure, number> = { throttle: 0, "lose-answer": 0 };
  const fate = (): SendFailure | null => {
    if (failures > 0) {
      failures--;
      return failure;
    }
    if (randomly === null || randomly.random() >= randomly.rate) return null;
    return randomly.random() < randomly.loseAnswerShare ? "lose-answer" : "throttle";
  };
  const server: Server = createServer((incoming, outgoing) => {
    const failing = incoming.url === SEND_PATH ? fate() : null;
    if (failing !== null) failed[failing]++;
    if (failing === "throttle") {
      incoming.resume();
      outgoing.writeHead(429, { "content-type": "application/json", "x-amzn-errortype": "TooManyRequestsException" });
      outgoing.end(JSON.stringify({ message: "Simulated SES throttling" }));
      return;
    }
    const forwarded = request(`${target}${incoming.url}`, { method: incoming.method, headers: incoming.headers }, (answer) => {
      if (failing === "lose-answer") {
        // The catcher has the email; its answer never reaches the sender.
        answer.resume();
        answer.on("end", () => incoming.socket.destroy());
        return;
      }
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get target() {
      return target;
    },
    set target(url: string) {
      target = url;
    },
    failNextSends(count, how = "throttle") {
      failures = count;
      failure = how;
    },
    failRandomly({ rate, loseAnswerShare, random = Math.random }) {
      randomly = { rate, loseAnswerShare, random };
    },
    failed,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
