// The local stand-ins hold report-link tokens, attachments and signing keys: they must not be reachable from the
// network. Each is started as the runtime starts it and reached once on loopback and once on this machine's own
// network address, which must be refused.
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Component } from "../../functions/local/components";
import { MailCatcherComponent } from "../../functions/local/mail";
import { LocalOidcProvider } from "../../functions/local/oidc";
import { LocalS3Component } from "../../functions/local/s3";

const directories: string[] = [];

afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

/** "connected" or the error code of the refused connection. */
function reach(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

const networkAddress = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry !== undefined && entry.family === "IPv4" && !entry.internal)?.address;

describe("the local stand-ins listen on loopback only", () => {
  const cases: [string, () => Promise<{ component: Component; port: () => number }>][] = [
    ["the mail catcher", async () => {
      const component = new MailCatcherComponent({ port: 0, host: "127.0.0.1" });
      return { component, port: () => Number(new URL(component.url).port) };
    }],
    ["the local S3", async () => {
      const directory = await mkdtemp(path.join(tmpdir(), "iop-loopback-s3-"));
      directories.push(directory);
      const component = new LocalS3Component({ directory, bucket: "attachments", allowedOrigin: "http://localhost:3000", resetOnClose: true });
      return { component, port: () => Number(new URL(component.endpoint).port) };
    }],
    ["the OpenID Connect provider", async () => {
      const component = new LocalOidcProvider({ redirectUri: "http://localhost:3000/auth/callback" });
      return { component, port: () => Number(new URL(component.issuer).port) };
    }],
  ];

  for (const [name, make] of cases) {
    it(`${name}: reachable on 127.0.0.1, refused on ${networkAddress}`, async () => {
      expect(networkAddress, "this machine has no network address to try").toBeDefined();
      const { component, port } = await make();
      await component.start();
      try {
        expect(await reach("127.0.0.1", port())).toBe("connected");
        expect(await reach(networkAddress ?? "", port())).toBe("ECONNREFUSED");
      } finally {
        await component.stop();
      }
    });
  }
});
