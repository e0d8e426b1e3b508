import * as ses from "aws-cdk-lib/aws-ses";
import type { StackContext } from "sst/constructs";
import { readDeployConfig } from "./config";

/**
 * The SES identity outgoing email is sent from: the sender address itself, or its whole domain when
 * IOP_EMAIL_IDENTITY names one (then the DKIM records in the outputs must be published in DNS).
 * A new SES account is in the sandbox: it only delivers to verified addresses until production access is granted.
 */
export function Email({ app, stack }: StackContext) {
  const config = readDeployConfig(app.stage, process.env);
  const { emailIdentity } = config;

  const identity = new ses.EmailIdentity(stack, "Sender", {
    identity:
      emailIdentity.kind === "email"
        ? ses.Identity.email(emailIdentity.value)
        : ses.Identity.domain(emailIdentity.value),
  });

  stack.addOutputs({ EmailIdentity: emailIdentity.value, EmailSender: config.emailSender });
  if (emailIdentity.kind === "domain") {
    stack.addOutputs(
      Object.fromEntries(
        identity.dkimRecords.map((record, index) => [`DkimRecord${index + 1}`, `${record.name} CNAME ${record.value}`]),
      ),
    );
  }

  return { identity, sender: config.emailSender, teamMailbox: config.teamMailbox };
}
