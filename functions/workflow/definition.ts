/**
 * The state machine definition (agreement.asl.json), deployed and run locally, and the placeholders its Task
 * states name their Lambda functions by.
 */
import definition from "./agreement.asl.json";

export { definition as AGREEMENT_WORKFLOW_DEFINITION };

/** The Lambda-backed tasks, by the name of the definition's placeholder for their ARN (`${<name>FunctionArn}`). */
export const TASK_FUNCTIONS = ["CatchUp", "AwaitDecision", "ContinueAsNew", "RecordFailure"] as const;
export type TaskFunction = (typeof TASK_FUNCTIONS)[number];

/** `CatchUp` -> `CatchUpFunctionArn`: the key of a definition substitution. */
export function functionArnPlaceholder(task: TaskFunction): string {
  return `${task}FunctionArn`;
}

/** The definition with each `${<task>FunctionArn}` replaced, as CloudFormation's DefinitionSubstitutions do. */
export function substituteFunctionArns(arns: Record<TaskFunction, string>): typeof definition {
  let text = JSON.stringify(definition);
  for (const task of TASK_FUNCTIONS) text = text.replaceAll(`\${${functionArnPlaceholder(task)}}`, arns[task]);
  return JSON.parse(text) as typeof definition;
}
