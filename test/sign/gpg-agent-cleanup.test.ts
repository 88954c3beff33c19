/**
 * A signing test's temporary GNUPGHOME leaves no gpg-agent behind (issue 18): the agent that
 * signing starts is running while the test works, and gone after its teardown.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gpgAgentsFor } from "../support/gpg-agent.js";
import { createTestGnupg } from "./support/gnupg.js";

describe("temporary GNUPGHOMEs", () => {
  it("have their gpg-agent stopped by dispose()", () => {
    const gnupg = createTestGnupg();
    let disposed = false;
    try {
      const key = gnupg.addKey("agent", "rsa2048");
      const file = join(gnupg.home, "payload");
      writeFileSync(file, "signed bytes");
      gnupg.gpg(["--local-user", key.email, "--armor", "--detach-sign", "--output", `${file}.asc`, file]);
      // Signing needs the secret key, so an agent for this home is up now: the check below is real.
      expect(gpgAgentsFor(gnupg.home).length).toBe(1);
      gnupg.dispose();
      disposed = true;
      expect(gpgAgentsFor(gnupg.home)).toEqual([]);
    } finally {
      if (!disposed) gnupg.dispose();
    }
  });
});
