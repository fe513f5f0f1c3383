/**
 * A pipe's execution log (logConfiguration with a CloudWatch Logs destination): JSON records in the log group,
 * filtered by level OFF < ERROR < INFO < TRACE, locally written through the LogSink with the log group name as
 * source. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-logs.html
 * Only the execution-level message types are emitted (ExecutionStarted/Succeeded at INFO; TargetInvocationFailed,
 * ExecutionFailed at ERROR); the field set follows the guide's examples [I].
 */
import { logGroupNameOf } from '../kernel/arns';
import type { LogRecordWriter } from '../kernel/ports';

export type PipeLogLevel = 'OFF' | 'ERROR' | 'INFO' | 'TRACE';

const RANK: Record<PipeLogLevel, number> = { OFF: 0, ERROR: 1, INFO: 2, TRACE: 3 };

export interface PipeLogConfiguration {
  level?: string;
  cloudwatchLogsLogDestination?: { logGroupArn?: string };
}

export class PipeExecutionLog {
  private readonly level: PipeLogLevel;
  private readonly groupName: string | undefined;

  constructor(
    private readonly pipeArn: string,
    configuration: PipeLogConfiguration | null | undefined,
    private readonly writer: LogRecordWriter | undefined,
  ) {
    const level = (configuration?.level ?? 'OFF').toUpperCase();
    this.level = level in RANK ? (level as PipeLogLevel) : 'OFF';
    const arn = configuration?.cloudwatchLogsLogDestination?.logGroupArn;
    this.groupName = arn ? logGroupNameOf(arn) : undefined;
  }

  get enabled(): boolean {
    return this.writer !== undefined && this.groupName !== undefined && this.level !== 'OFF';
  }

  write(
    level: Exclude<PipeLogLevel, 'OFF'>,
    messageType: string,
    executionId: string,
    error?: { code: string; message: string },
  ): void {
    if (!this.enabled || RANK[level] > RANK[this.level]) return;
    const now = new Date();
    const record: Record<string, unknown> = {
      resourceArn: this.pipeArn,
      timestamp: now.getTime(),
      executionId,
      messageType,
      logLevel: level,
    };
    if (error) record.error = { message: error.message, details: error.code };
    this.writer?.write({ time: now, source: this.groupName as string, message: JSON.stringify(record) });
  }
}
