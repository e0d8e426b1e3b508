import type { SSTConfig } from "sst";
import { regionFrom } from "./infra/config";
import { registerStacks } from "./infra/index";

export default {
  config() {
    return {
      name: "iop-lifecycle",
      region: regionFrom(process.env),
    };
  },
  stacks(app) {
    registerStacks(app);
  },
} satisfies SSTConfig;
