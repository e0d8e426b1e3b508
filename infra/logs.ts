/**
 * Every Lambda function writes to a log group the stack creates, with its retention, rather than to one Lambda
 * creates on first use (which `sst remove` would leave behind, and which keeps logs forever) or one that the
 * `logRetention` custom resource adjusts afterwards. Removal follows the app's policy: retained on production.
 */
import { CfnResource, RemovalPolicy, type IAspect } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import type { Construct, IConstruct } from "constructs";

/** Logs hold names and addresses: kept a year in production for follow-up, a month elsewhere. */
export function logRetention(production: boolean) {
  return production
    ? ({ name: "one_year", days: logs.RetentionDays.ONE_YEAR } as const)
    : ({ name: "one_month", days: logs.RetentionDays.ONE_MONTH } as const);
}

/** The log group of the function `functionId`, named after it. */
export function functionLogGroup(scope: Construct, functionId: string, production: boolean): logs.LogGroup {
  return new logs.LogGroup(scope, `${functionId}Logs`, { retention: logRetention(production).days });
}

/**
 * Gives a log group to the functions the stacks do not define themselves: SST's custom-resource handler in every
 * stack and CDK's providers (on other stages, the one that empties the bucket on removal). An aspect, because
 * some are only added when the app is finished; their log groups get the app's removal policy here for the same
 * reason.
 */
export class HelperFunctionLogGroups implements IAspect {
  constructor(private readonly production: boolean) {}

  visit(node: IConstruct): void {
    if (!(node instanceof CfnResource) || node.cfnResourceType !== "AWS::Lambda::Function") return;
    if (node instanceof lambda.CfnFunction && node.loggingConfig !== undefined) return;
    const logGroup = new logs.LogGroup(node.node.scope as Construct, `${node.node.id}Logs`, {
      retention: logRetention(this.production).days,
      removalPolicy: this.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    node.addPropertyOverride("LoggingConfig.LogGroup", logGroup.logGroupName);
  }
}
