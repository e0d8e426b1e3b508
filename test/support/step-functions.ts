/**
 * Step Functions for tests: the API calls functions/workflow/step-functions.ts makes, answered as the AWS Step
 * Functions API reference (API_StartExecution, API_DescribeExecution, API_ListExecutions, API_StopExecution,
 * API_SendTaskSuccess)
 * says, for a Standard state machine. No emulator of the service runs here, and a hand-written answer that is
 * kinder than AWS (a StartExecution that throws where AWS answers with the running execution) hides bugs; so
 * every rule below names the sentence of the reference it follows, and test/workflow/step-functions.test.ts checks
 * the stand-in against a table of those rules.
 *
 * It keeps executions and task tokens; it runs no states. A test plays the state machine's part: it reads what
 * was started (`running()`), runs the task code for it, hands out a callback's token (`enterCallback`), and ends
 * an execution as a failure would (`end`).
 */
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidArn,
  InvalidExecutionInput,
  InvalidName,
  InvalidOutput,
  InvalidToken,
  ListExecutionsCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TaskTimedOut,
  type DescribeExecutionOutput,
  type ExecutionStatus,
  type ListExecutionsInput,
  type ListExecutionsOutput,
  type SendTaskSuccessOutput,
  type SFNClient,
  type StartExecutionOutput,
  type StopExecutionOutput,
} from "@aws-sdk/client-sfn";
import type { Clock } from "../../functions/domain/clock";

/** "This name must be unique for your AWS account, Region, and state machine for 90 days." */
const NAME_REUSE_DAYS = 90;
const MS_PER_DAY = 86_400_000;
/**
 * "A name must not contain: whitespace, brackets < > { } [ ], wildcard characters ? *, special characters
 * " # % \ ^ | ~ ` $ & , ; : /, control characters"; length 1 to 80.
 */
const INVALID_NAME_CHARACTER = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]/u;
const MAX_NAME_LENGTH = 80;
/** maxResults: "The default is 100 and the maximum allowed page size is 1000. A value of 0 uses the default." */
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1_000;

export type ClosedStatus = Exclude<ExecutionStatus, "RUNNING" | "PENDING_REDRIVE">;

export interface StandInExecution {
  name: string;
  executionArn: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
}

interface TaskToken {
  executionArn: string;
  /** The task was completed, or its execution ended: "the task associated with the token has already been closed". */
  closed: boolean;
}

const meta = { $metadata: { httpStatusCode: 400 } };

export class StepFunctionsStandIn {
  /** Every call, in order: the operation's name and its input. */
  readonly calls: { operation: string; input: Record<string, unknown> }[] = [];
  /** By name; one state machine, so the name is the key. Closed executions stay until their name may be reused. */
  readonly #executions = new Map<string, StandInExecution>();
  readonly #tokens = new Map<string, TaskToken>();
  #issued = 0;
  /** ListExecutions' nextToken: where the next page starts in the listing it continues. */
  readonly #pages = new Map<string, { offset: number; statusFilter: ExecutionStatus | undefined }>();

  constructor(
    readonly stateMachineArn: string,
    private readonly clock: Clock,
  ) {}

  /** This stand-in where the code expects an SFNClient (it calls nothing but `send`). */
  get client(): SFNClient {
    return this as unknown as SFNClient;
  }

  async send(command: object): Promise<unknown> {
    const input = (command as { input: Record<string, unknown> }).input;
    this.calls.push({ operation: command.constructor.name.replace(/Command$/, ""), input });
    if (command instanceof StartExecutionCommand) return this.#start(command.input);
    if (command instanceof DescribeExecutionCommand) return this.#describe(command.input.executionArn ?? "");
    if (command instanceof ListExecutionsCommand) return this.#list(command.input);
    if (command instanceof StopExecutionCommand) return this.#stop(command.input.executionArn ?? "");
    if (command instanceof SendTaskSuccessCommand) return this.#sendTaskSuccess(command.input.taskToken ?? "", command.input.output ?? "");
    throw new Error(`The Step Functions stand-in does not answer ${command.constructor.name}`);
  }

  // -- The API ----------------------------------------------------------------------------------------------

  #start({ stateMachineArn, name = "", input = "{}" }: { stateMachineArn?: string; name?: string; input?: string }): StartExecutionOutput {
    if (stateMachineArn !== this.stateMachineArn) {
      throw new StateMachineDoesNotExist({ message: `State Machine Does Not Exist: '${stateMachineArn}'`, ...meta });
    }
    if (name.length < 1 || name.length > MAX_NAME_LENGTH || INVALID_NAME_CHARACTER.test(name)) {
      throw new InvalidName({ message: `Invalid Name: '${name}'`, ...meta });
    }
    if (!isJson(input)) throw new InvalidExecutionInput({ message: "Invalid State Machine Execution Input", ...meta });
    const existing = this.#current(name);
    if (existing !== undefined) {
      // "When the original execution is open and the execution input from the new call is identical, the Success
      // message is returned": the original's ARN and start date, and no second execution runs.
      if (existing.status === "RUNNING" && existing.input === input) return { executionArn: existing.executionArn, startDate: existing.startDate };
      // "When the original execution is open and the execution input from the new call is different, the
      // ExecutionAlreadyExists message is returned. When the original execution is closed, the
      // ExecutionAlreadyExists message is returned regardless of input."
      throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${existing.executionArn}'`, ...meta });
    }
    const execution: StandInExecution = { name, executionArn: this.arnOf(name), input, status: "RUNNING", startDate: this.clock.now() };
    this.#executions.set(name, execution);
    return { executionArn: execution.executionArn, startDate: execution.startDate };
  }

  #describe(executionArn: string): DescribeExecutionOutput {
    const execution = this.#byArn(executionArn);
    const { name, status, startDate, stopDate, input } = execution;
    return { executionArn, stateMachineArn: this.stateMachineArn, name, status, startDate, input, ...(stopDate === undefined ? {} : { stopDate }) };
  }

  #list({ stateMachineArn, statusFilter, maxResults = 0, nextToken }: ListExecutionsInput): ListExecutionsOutput {
    if (stateMachineArn !== this.stateMachineArn) {
      throw new StateMachineDoesNotExist({ message: `State Machine Does Not Exist: '${stateMachineArn}'`, ...meta });
    }
    // maxResults, "Valid Range: Minimum value of 0. Maximum value of 1000."
    if (maxResults < 0 || maxResults > MAX_PAGE_SIZE) throw new Error(`ValidationException: maxResults ${maxResults} is out of range`);
    let offset = 0;
    if (nextToken !== undefined) {
      // "Using an expired pagination token will return an HTTP 400 InvalidToken error."
      const page = this.#pages.get(nextToken);
      if (page === undefined || page.statusFilter !== statusFilter) throw new InvalidToken({ message: "Invalid Token: 'Invalid pagination token'", ...meta });
      offset = page.offset;
    }
    // "Results are sorted by time, with the most recent execution first"; the history of closed executions is kept
    // 90 days. With equal start times, the one started later comes first.
    const listed = [...this.#executions.keys()]
      .map((name) => this.#current(name))
      .filter((execution): execution is StandInExecution => execution !== undefined && (statusFilter === undefined || execution.status === statusFilter))
      .reverse()
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
    const end = offset + (maxResults === 0 ? DEFAULT_PAGE_SIZE : maxResults);
    const executions = listed.slice(offset, end).map(({ executionArn, name, status, startDate, stopDate }) => ({
      executionArn,
      stateMachineArn: this.stateMachineArn,
      name,
      status,
      startDate,
      ...(stopDate === undefined ? {} : { stopDate }),
    }));
    if (end >= listed.length) return { executions };
    // "If nextToken is returned, there are more results available."
    const token = `page-${++this.#issued}`;
    this.#pages.set(token, { offset: end, statusFilter });
    return { executions, nextToken: token };
  }

  #stop(executionArn: string): StopExecutionOutput {
    const execution = this.#byArn(executionArn);
    // The reference lists no error for stopping an execution that already closed (only ExecutionDoesNotExist,
    // InvalidArn and the validation and KMS errors): it answers with the stop date and the status stays.
    if (execution.status === "RUNNING") this.#close(execution, "ABORTED");
    return { stopDate: execution.stopDate! };
  }

  #sendTaskSuccess(taskToken: string, output: string): SendTaskSuccessOutput {
    const token = this.#tokens.get(taskToken);
    // InvalidToken, "The provided token is not valid": a token Step Functions never issued. (TaskDoesNotExist is
    // documented as "The activity does not exist", for activity workers; a callback token never gets it.)
    if (token === undefined) throw new InvalidToken({ message: "Invalid Token: 'Invalid token'", ...meta });
    // TaskTimedOut, "The task token has either expired or the task associated with the token has already been
    // closed": used once already, or its execution was stopped or ended (it is also what AWS answers then).
    if (token.closed) throw new TaskTimedOut({ message: "Task Timed Out: 'Provided task does not exist anymore'", ...meta });
    if (!isJson(output)) throw new InvalidOutput({ message: "Invalid Output", ...meta });
    token.closed = true;
    return {};
  }

  // -- The state machine's part, played by a test -----------------------------------------------------------

  arnOf(name: string): string {
    return `${this.stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
  }

  /** The execution by that name, as DescribeExecution would see it; undefined when there is none (any more). */
  execution(name: string): StandInExecution | undefined {
    return this.#current(name);
  }

  /** Executions that are running, oldest first. */
  running(): StandInExecution[] {
    return [...this.#executions.values()].filter((execution) => execution.status === "RUNNING");
  }

  /** Ends a running execution as the service would: it failed, timed out, was aborted, or succeeded. */
  end(name: string, status: ClosedStatus): void {
    const execution = this.#current(name);
    if (execution?.status !== "RUNNING") throw new Error(`No running execution ${name} to end`);
    this.#close(execution, status);
  }

  /** The execution entered a `.waitForTaskToken` task: the token `$$.Task.Token` gives it. */
  enterCallback(name: string): string {
    const execution = this.#current(name);
    if (execution?.status !== "RUNNING") throw new Error(`No running execution ${name} to enter a callback`);
    const token = `AQB${Buffer.from(`${name}#${++this.#issued}`).toString("base64url")}`;
    this.#tokens.set(token, { executionArn: execution.executionArn, closed: false });
    return token;
  }

  /** Whether a callback's token still waits for SendTaskSuccess. */
  isWaiting(token: string): boolean {
    return this.#tokens.get(token)?.closed === false;
  }

  // -- Bookkeeping ------------------------------------------------------------------------------------------

  /** "Names can be reused after 90 days": a closed execution older than that is gone, and so is its name. */
  #current(name: string): StandInExecution | undefined {
    const execution = this.#executions.get(name);
    if (execution?.stopDate !== undefined && this.clock.now().getTime() - execution.stopDate.getTime() > NAME_REUSE_DAYS * MS_PER_DAY) {
      this.#executions.delete(name);
      return undefined;
    }
    return execution;
  }

  #byArn(executionArn: string): StandInExecution {
    const prefix = `${this.stateMachineArn.replace(":stateMachine:", ":execution:")}:`;
    if (!/^arn:aws[\w-]*:states:[\w-]+:\d{12}:execution:[^:]+:[^:]+$/.test(executionArn)) {
      throw new InvalidArn({ message: `Invalid Arn: '${executionArn}'`, ...meta });
    }
    const execution = executionArn.startsWith(prefix) ? this.#current(executionArn.slice(prefix.length)) : undefined;
    if (execution === undefined) throw new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${executionArn}'`, ...meta });
    return execution;
  }

  #close(execution: StandInExecution, status: ClosedStatus): void {
    execution.status = status;
    execution.stopDate = this.clock.now();
    for (const token of this.#tokens.values()) if (token.executionArn === execution.executionArn) token.closed = true;
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
