// An HTTP proxy in front of the mail catcher that can refuse the next sends with a 500, as SES does when it fails
// internally: the real SES client and the real catcher, with a real failure in between.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FailingProxy {
  readonly url: string;
  /** Where requests go when they are not refused. */
  target: string;
  /** Refuses the next `count` sends. */
  failNextSends(count: number): void;
  close(): Promise<void>;
}

const SEND_PATH = "/v2/email/outbound-emails";

export async function startFailingProxy(): Promise<FailingProxy> {
  let failures = 0;
  let target = "";
  const server: Server = createServer((incoming, outgoing) => {
    if (incoming.url === SEND_PATH && failures > 0) {
      failures--;
      incoming.resume();
      outgoing.writeHead(500, { "content-type": "application/json", "x-amzn-errortype": "InternalFailure" });
      outgoing.end(JSON.stringify({ message: "Simulated SES failure" }));
      return;
    }
    const forwarded = request(`${target}${incoming.url}`, { method: incoming.method, headers: incoming.headers }, (answer) => {
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
    failNextSends(count) {
      failures = count;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
